#!/bin/sh
# Cubby's deb/rpm post-install script (electron-builder fills in ${executable} and
# ${sanitizedProductName}). It is electron-builder's own after-install template, less the
# /usr/bin/${executable} link: the package ships /usr/bin/${executable} itself, the command line
# for IT. The desktop entry starts /opt/${sanitizedProductName}/${executable} directly.

# Chromium's sandbox: the SUID helper only where the kernel has no working user namespaces.
if ! { [ -L /proc/self/ns/user ] && unshare --user true; } 2>/dev/null; then
    chmod 4755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
else
    chmod 0755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
fi

if command -v update-mime-database >/dev/null 2>&1; then
    update-mime-database /usr/share/mime || true
fi

if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database /usr/share/applications || true
fi

# AppArmor profile (Ubuntu 24.04 and later restrict unprivileged user namespaces): install it only
# where this AppArmor can parse it (Ubuntu 22.04 cannot read abi/4.0 and runs fine without it),
# and load it unless this is a chroot (an image being prepared).
if apparmor_status --enabled >/dev/null 2>&1; then
    APPARMOR_PROFILE_SOURCE='/opt/${sanitizedProductName}/resources/apparmor-profile'
    APPARMOR_PROFILE_TARGET='/etc/apparmor.d/${executable}'
    if apparmor_parser --skip-kernel-load --debug "$APPARMOR_PROFILE_SOURCE" >/dev/null 2>&1; then
        cp -f "$APPARMOR_PROFILE_SOURCE" "$APPARMOR_PROFILE_TARGET"
        if ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; } && command -v apparmor_parser >/dev/null 2>&1; then
            apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_PROFILE_TARGET"
        fi
    else
        echo "Skipping the installation of the AppArmor profile as this version of AppArmor does not seem to support the bundled profile"
    fi
fi
