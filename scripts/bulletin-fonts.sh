# Fonts that PDF bulletins embed (org.bdx.node.bulletin.BulletinFonts): Noto Sans, Noto Sans
# Thai and Noto Sans Gurmukhi (fonts-noto-core), WenQuanYi Zen Hei for Chinese and Korean
# (fonts-wqy-zenhei). Sourced by scripts/test; keep the list in step with
# BulletinFonts.DEBIAN_PACKAGES (BulletinFontsScriptTest checks it).
BDX_FONT_PACKAGES="fonts-noto-core fonts-wqy-zenhei"

# Installs the missing font packages with apt-get (as root, or through sudo without a
# password); says what to install when it cannot.
bdx_install_fonts() {
  local missing=() p
  for p in $BDX_FONT_PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "bdx: PDF bulletins need the fonts in ${missing[*]}; install them as root:" \
        "apt-get install ${missing[*]}" >&2
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null; then
    echo "bdx: PDF bulletins need the fonts of the Debian packages ${missing[*]};" \
      "install them with your system's package manager" >&2
    return 1
  fi
  echo "== installing fonts for PDF bulletins: ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}
