# Sourced by create-secrets.sh and stores.sh: which services a region puts on MongoDB (--mongodb a,b), so both
# scripts read the list the same way. Fills the associative array on_mongodb (service -> 1); exits 2 on a bad name.
all_services=(identity intake case notes assignment reporting)

# MongoDB can hold every service's store but Identity's.
mongodb_services=()
for _service in "${all_services[@]}"; do
  if [[ $_service != identity ]]; then mongodb_services+=("$_service"); fi
done
unset _service

read_mongodb_services() {
  declare -gA on_mongodb=()
  local requested service listed
  local -A can_hold=()
  for service in "${mongodb_services[@]}"; do can_hold[$service]=1; done
  printf -v listed '%s, ' "${mongodb_services[@]}"
  IFS=',' read -r -a requested <<<"$1"
  for service in "${requested[@]}"; do
    [[ -z $service ]] && continue
    if [[ $service == identity ]]; then
      echo "identity always uses PostgreSQL (OpenIddict on EF Core)" >&2; exit 2
    elif [[ -z ${can_hold[$service]:-} ]]; then
      echo "unknown service '$service' (${listed%, })" >&2; exit 2
    fi
    on_mongodb[$service]=1
  done
}
