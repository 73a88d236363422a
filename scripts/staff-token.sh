#!/usr/bin/env bash
# Signs a staff member in with the authorization code flow + PKCE, as the staff app's browser would,
# and prints the access token. For local use with `make run`:
#   scripts/staff-token.sh alice [password]
# Environment: CASEWORK_GATEWAY (default http://127.0.0.1:5000).
set -euo pipefail

USER_NAME="${1:?usage: staff-token.sh <username> [password]}"
PASSWORD="${2:-Casework-demo-1}"
GW="${CASEWORK_GATEWAY:-http://127.0.0.1:5000}"
CLIENT_ID=casework-web
REDIRECT_URI=http://127.0.0.1:8765/callback
SCOPE="openid profile roles offline_access intake cases notes assignment reporting"

jar="$(mktemp)"
trap 'rm -f "$jar"' EXIT
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
# Follows one redirect by hand (the last hop goes to the app's redirect URI, which nothing serves here).
location() { curl -s -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" "$@"; }

verifier="$(openssl rand 32 | b64url)"
challenge="$(printf %s "$verifier" | openssl dgst -sha256 -binary | b64url)"
state="$(openssl rand 16 | b64url)"

login_url="$(location "$GW/connect/authorize?client_id=$CLIENT_ID&response_type=code&redirect_uri=$(urlencode "$REDIRECT_URI")&scope=$(urlencode "$SCOPE")&code_challenge=$challenge&code_challenge_method=S256&state=$state")"
[[ -n $login_url ]] || { echo "staff-token: the authorize endpoint did not redirect to the login page" >&2; exit 1; }

page="$(curl -s -c "$jar" -b "$jar" "$login_url")"
# The form's hidden fields (antiforgery token, return URL) go back with the credentials.
hidden=()
while IFS=$'\t' read -r name value; do
  hidden+=(--data-urlencode "$name=$value")
done < <(python3 -c '
import html, re, sys
for tag in re.findall(r"<input[^>]*>", sys.stdin.read()):
    if "type=\"hidden\"" in tag:
        name = re.search(r"name=\"([^\"]*)\"", tag); value = re.search(r"value=\"([^\"]*)\"", tag)
        if name: print(name.group(1) + "\t" + html.unescape(value.group(1) if value else ""))
' <<<"$page")

back="$(location "${hidden[@]}" --data-urlencode "username=$USER_NAME" --data-urlencode "password=$PASSWORD" "$GW/account/login")"
[[ -n $back ]] || { echo "staff-token: sign-in failed for $USER_NAME (wrong user name or password?)" >&2; exit 1; }
[[ $back == http* ]] || back="$GW$back"

callback="$(location "$back")"
code="$(python3 -c 'import sys, urllib.parse; q = urllib.parse.parse_qs(urllib.parse.urlparse(sys.argv[1]).query); print(q.get("code", [""])[0])' "$callback")"
[[ -n $code ]] || { echo "staff-token: no authorization code came back ($callback)" >&2; exit 1; }

curl -s "$GW/connect/token" -d grant_type=authorization_code -d client_id=$CLIENT_ID \
  --data-urlencode "code=$code" --data-urlencode "redirect_uri=$REDIRECT_URI" -d "code_verifier=$verifier" \
  | python3 -c 'import json, sys; r = json.load(sys.stdin); print(r["access_token"]) if "access_token" in r else sys.exit("staff-token: " + json.dumps(r))'
