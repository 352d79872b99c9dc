# Shared set-up for scripts/run and scripts/test: a virtualenv with pinned dependencies,
# gettext for the message catalogues. Sourced, not executed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
VENV="$ROOT/.venv"
mkdir -p "$ROOT/var/static" "$ROOT/var/mail"   # SQLite database, collected static files, demo mail
export PIP_DISABLE_PIP_VERSION_CHECK=1

apt_install() {
  # Debian packages the scripts need (gettext, chromium); installed only when missing.
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "==> installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_venv() {
  local extras="$1"   # "" or "[dev]"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  local stamp="$VENV/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)${extras//[\[\]]/-}"
  if [ ! -f "$stamp" ]; then
    echo "==> installing Python dependencies${extras:+ (with dev tools)}"
    "$VENV/bin/pip" install -q -c constraints.txt -e ".${extras}"
    touch "$stamp"
  fi
}

compile_messages() {
  command -v msgfmt >/dev/null 2>&1 || apt_install gettext
  "$VENV/bin/python" manage.py compilemessages -v0 --ignore ".venv/*"
}
