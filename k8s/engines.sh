# Sourced by create-secrets.sh and stores.sh: which services a region puts on MongoDB (--mongodb a,b), so both
# scripts read the list the same way. Fills the associative array on_mongodb (service -> 1); exits 2 on a bad name.
all_services=(identity intake case notes assignment reporting)

read_mongodb_services() {
  declare -gA on_mongodb=()
  local requested service
  IFS=',' read -r -a requested <<<"$1"
  for service in "${requested[@]}"; do
    [[ -z $service ]] && continue
    case "$service" in
      intake | case | notes | assignment | reporting) on_mongodb[$service]=1 ;;
      identity) echo "identity always uses PostgreSQL (OpenIddict on EF Core)" >&2; exit 2 ;;
      *) echo "unknown service '$service' (intake, case, notes, assignment, reporting)" >&2; exit 2 ;;
    esac
  done
}
