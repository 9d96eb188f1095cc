#!/bin/sh
# One naming scheme for options structs and their defaults (docs/CONVENTIONS.md):
#   struct  lie_<obj>_opts
#   default lie_<obj>_opts_default(&o)      from options: lie_<obj>_opts_set_from_options(&o)
# This script renames the older spellings (_cfg, _params, _defaults) to it. It rewrites whole
# identifiers only (word boundaries, and only the lie_-prefixed names listed below), so it can
# be re-run at any time, e.g. after merging a branch written with the old names: a second run
# changes nothing. Usage: scripts/rename_opts.sh [--format]
#   --format  afterwards runs clang-format -i on the C files it rewrote (a longer name can push
#             a line past the column limit); without it only identifiers change.
set -eu
cd "$(dirname "$0")/.."
format=0
[ "${1:-}" = "--format" ] && format=1

# old prefix -> new prefix. A prefix also renames the functions built on it
# (lie_step_cfg_default -> lie_step_opts_default, lie_step_cfg_check -> lie_step_opts_check).
# Not renamed on purpose: lie_nn_net_params (a network's parameter buffer, not options),
# lie_phys1d (a PDE's physical constants, not options; only its default's spelling changes).
rules='
lie_aug_cfg lie_aug_opts
lie_ssl_model_cfg lie_ssl_model_opts
lie_probe_trained_cfg lie_probe_trained_opts
lie_sup_cfg lie_sup_opts
lie_pretrain_cfg lie_pretrain_opts
lie_step_cfg lie_step_opts
lie_embed_cfg lie_embed_opts
lie_ns2d_params lie_ns2d_opts
lie_ns2d_get_params lie_ns2d_get_opts
lie_ns2d_set_params lie_ns2d_set_opts
lie_test_tiny_cfg lie_test_tiny_opts
lie_augsearch_cfg lie_augsearch_opts
lie_loader_cfg lie_loader_opts
'
# whole names only (no prefix rule): the default-filling functions spelled _defaults
exact='
lie_nn_adamw_defaults lie_nn_adamw_opts_default
lie_phys1d_defaults lie_phys1d_default
lie_ssl_data_model_cfg lie_ssl_data_model_opts
'

script=$(mktemp)
trap 'rm -f "$script"' EXIT
echo "$rules" | while read -r old new; do
  [ -n "$old" ] || continue
  # old, or old_<suffix>, as a whole identifier
  printf 's/\\b%s\\(_[A-Za-z0-9_]*\\)\\?\\b/%s\\1/g\n' "$old" "$new"
done >"$script"
echo "$exact" | while read -r old new; do
  [ -n "$old" ] || continue
  printf 's/\\b%s\\b/%s/g\n' "$old" "$new"
done >>"$script"

dirs="src include solvers augment tests bench examples docs"
files=$(grep -rlE --include='*.c' --include='*.h' --include='*.f90' --include='*.F90' --include='*.md' \
  --include='*.txt' --include='*.cmake' --include='*.sh' --include='*.py' \
  'lie_(aug_cfg|ssl_model_cfg|probe_trained_cfg|sup_cfg|pretrain_cfg|step_cfg|embed_cfg|ns2d_params|ns2d_get_params|ns2d_set_params|test_tiny_cfg|nn_adamw_defaults|phys1d_defaults|ssl_data_model_cfg|augsearch_cfg|loader_cfg)' \
  $dirs README.md 2>/dev/null || true)
[ -n "$files" ] || { echo "rename_opts: nothing to rename"; exit 0; }
for f in $files; do
  sed -i -f "$script" "$f"
done
echo "rename_opts: rewrote $(echo "$files" | wc -l) files"
if [ $format = 1 ]; then
  echo "$files" | grep -E '\.(c|h)$' | xargs clang-format -i
  echo "rename_opts: clang-format applied to the rewritten C files"
fi
