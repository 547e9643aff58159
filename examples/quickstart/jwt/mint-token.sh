#!/bin/sh
# Mints an RS256 token from the quick start's test issuer, with openssl only.
#   ./mint-token.sh                         # sub quickstart-user, groups [readers], expires 2100-01-01
#   ./mint-token.sh alice 3600 '"auditors"' # sub alice, expires in an hour, groups [auditors]
# The private key beside this script is a published test key: anyone can mint tokens with it.
# Use it for the quick start only, never for a fleet that serves real data.
# token.jwt was made with QUICKSTART_IAT=1767225600 ./mint-token.sh (a fixed iat).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sub=${1:-quickstart-user}
lifetime=${2:-}
groups=${3:-'"readers"'}
now=${QUICKSTART_IAT:-$(date +%s)}
if [ -n "$lifetime" ]; then exp=$((now + lifetime)); else exp=4102444800; fi

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

header='{"alg":"RS256","typ":"JWT","kid":"quickstart"}'
payload=$(printf '{"iss":"https://issuer.quickstart.yatagarasu.invalid","aud":"yatagarasu","sub":"%s","groups":[%s],"iat":%s,"exp":%s}' \
  "$sub" "$groups" "$now" "$exp")
signing_input="$(printf '%s' "$header" | b64url).$(printf '%s' "$payload" | b64url)"
signature=$(printf '%s' "$signing_input" | openssl dgst -sha256 -sign "$here/issuer-private.pem" -binary | b64url)
printf '%s.%s\n' "$signing_input" "$signature"
