#!/bin/sh
# Install the system libraries and fonts orderpack needs, where this OS allows it;
# otherwise say exactly what to install. Safe to run again: it installs only what is missing.
#   Pango (WeasyPrint's text layout), fonts for Latin/Greek/Cyrillic and for Chinese,
#   Japanese and Korean (Noto CJK), poppler-utils (pdftoppm, for page previews), and
#   Chromium (for the tests of `orderpack serve`'s page in a real browser; they run in its
#   headless shell, a lighter program, where the OS's package sources have it).
set -eu

DEBIAN_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji poppler-utils chromium"

# Installed where the package sources have it (Debian 12's security updates, Debian 13).
DEBIAN_WHERE_AVAILABLE="chromium-headless-shell"

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

missing_debian() {
    for pkg in $DEBIAN_PACKAGES; do
        installed "$pkg" || printf '%s ' "$pkg"
    done
}

missing_where_available() {
    for pkg in $DEBIAN_WHERE_AVAILABLE; do
        installed "$pkg" && continue
        apt-cache show "$pkg" >/dev/null 2>&1 && printf '%s ' "$pkg"
    done
    return 0
}

if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    missing=$(missing_debian)
    optional=$(missing_where_available)
    [ -z "$missing$optional" ] && exit 0
    if [ "$(id -u)" = 0 ]; then
        SUDO=""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo"
    elif [ -z "$missing" ]; then
        exit 0  # the tests use the whole Chromium instead
    else
        echo "orderpack needs these system packages: $missing" >&2
        echo "Install them with:  sudo apt-get install -y $missing" >&2
        echo "then run the make command again." >&2
        exit 1
    fi
    echo "Installing system packages: $missing$optional"
    $SUDO apt-get update -qq
    missing="$missing$(missing_where_available)"  # the fresh package lists may have more
    # shellcheck disable=SC2086  # the package list is meant to split into words
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
    exit 0
fi

if [ "$(uname -s)" = Darwin ]; then
    if ! command -v brew >/dev/null 2>&1; then
        echo "orderpack needs Pango, a CJK font and poppler. Install Homebrew (https://brew.sh), then:" >&2
        echo "  brew install pango poppler && brew install --cask font-noto-sans-cjk" >&2
        exit 1
    fi
    brew list pango >/dev/null 2>&1 || brew install pango
    brew list poppler >/dev/null 2>&1 || brew install poppler
    brew list --cask font-noto-sans-cjk >/dev/null 2>&1 || brew install --cask font-noto-sans-cjk
    brew list --cask font-noto-color-emoji >/dev/null 2>&1 || brew install --cask font-noto-color-emoji
    exit 0
fi

if command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q . && \
   python3 -c "import ctypes.util, sys; sys.exit(not ctypes.util.find_library('pango-1.0'))"; then
    exit 0
fi
echo "orderpack needs Pango >= 1.44, a font covering Chinese (e.g. Noto Sans CJK) and poppler-utils." >&2
echo "Fedora: sudo dnf install pango google-noto-sans-cjk-fonts poppler-utils" >&2
echo "Arch:   sudo pacman -S pango noto-fonts-cjk poppler" >&2
exit 1
