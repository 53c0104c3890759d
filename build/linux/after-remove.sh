#!/bin/sh
# Cubby's deb/rpm post-remove script: electron-builder's own after-remove template, less the
# /usr/bin/${executable} link removal (the package owns that file, so dpkg/rpm remove it).

# An upgrade, not a removal: deb passes "upgrade", rpm the number of versions still installed
# (its new post-install script has already run and put the profile back in place).
case "${1:-}" in upgrade | 1) exit 0 ;; esac

APPARMOR_PROFILE_DEST='/etc/apparmor.d/${executable}'

# Unload the AppArmor profile from the running kernel (unless in a chroot), then delete it.
if [ -f "$APPARMOR_PROFILE_DEST" ]; then
    if apparmor_status --enabled >/dev/null 2>&1; then
        if ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; } && command -v apparmor_parser >/dev/null 2>&1; then
            apparmor_parser --remove "$APPARMOR_PROFILE_DEST" || true
        fi
    fi
    rm -f "$APPARMOR_PROFILE_DEST"
fi
