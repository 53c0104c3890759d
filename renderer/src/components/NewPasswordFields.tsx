import { useMinPasswordLength } from '../stores/policyStore';
import { Field } from './Field';
import { SetByOrganization } from './SetByOrganization';

/** New password and its confirmation; the caller checks `passwordsMatch` before submitting. */
export function NewPasswordFields({
  password,
  confirm,
  onPassword,
  onConfirm,
  label = 'Password',
  autoFocus = false,
}: {
  password: string;
  confirm: string;
  onPassword: (v: string) => void;
  onConfirm: (v: string) => void;
  label?: string;
  autoFocus?: boolean;
}) {
  // Main checks the length itself; the hint and minLength only tell the person beforehand.
  const min = useMinPasswordLength();
  return (
    <>
      <Field
        label={label}
        type="password"
        autoComplete="new-password"
        autoFocus={autoFocus}
        required
        minLength={min.value}
        value={password}
        onChange={(e) => onPassword(e.target.value)}
        hint={
          <>
            At least {min.value} characters{min.setByOrganization ? <SetByOrganization /> : null}. A few unrelated words make a strong, memorable
            password.
          </>
        }
      />
      <Field
        label={`Confirm ${label.toLowerCase()}`}
        type="password"
        autoComplete="new-password"
        required
        value={confirm}
        onChange={(e) => onConfirm(e.target.value)}
      />
    </>
  );
}

export function mismatch(password: string, confirm: string): string | null {
  return password === confirm ? null : 'The two passwords do not match. Type the same password in both fields.';
}
