#!/bin/sh
# Option values as a class (liereg/options.h): malformed numbers, overflow, NaN/Inf, values
# out of range, bad -options_file, resource limits — one stderr line naming the option and the
# value, exit 2, no PETSc error page, no output file.
. "$(dirname "$0")/lib.sh"
rm -f ./*.h5 ./*.tmp
"$LIEREG" generate -pde ks -n 4 -nx 64 -nt 60 -save_n 20 -o ks.h5 > /dev/null 2>&1 || fail "making ks.h5"
G="$LIEREG generate -pde ks -o out.h5"
expect_error 2 "^\[0\] .*-n abc: not an integer" $G -n abc
expect_error 2 "-n 2.5: not an integer" $G -n 2.5
expect_error 2 "-nx 6e1: not an integer" $G -n 2 -nx 6e1
expect_error 2 "-n 4294967297: out of range" $G -n 4294967297
expect_error 2 "-seed 1x: not an integer" $G -n 2 -seed 1x
expect_error 2 "-ks_L inf: must be finite" $G -n 2 -ks_L inf
expect_error 2 "-ks_T nan: must be finite" $G -n 2 -ks_T nan
expect_error 2 "-burgers_nu_max inf: must be finite" "$LIEREG" generate -pde burgers -o out.h5 -n 2 -burgers_nu_max inf
expect_error 2 "-nx 1000000000: out of range" $G -n 2 -nx 1000000000
expect_error 2 "needs about .* GB of memory per rank" $G -n 2 -nx 1000000 -nt 200000 -save_n 100000
expect_error 2 "-ns_nx 100000: out of range" "$LIEREG" generate -pde ns -o out.h5 -n 1 -ns_nx 100000
expect_error 2 "-options_file nope.opts: cannot read" $G -n 2 -options_file nope.opts
expect_error 2 "-options_file needs a file name" $G -n 2 -options_file
expect_error 2 "-aug_eps abc: not a number" "$LIEREG" augment -i ks.h5 -o out.h5 -aug_group x_shift -aug_eps abc
# every command's numbers go through the checked getters (scripts/check_layers enforces it)
expect_error 2 "-step_epochs abc: not an integer" "$LIEREG" timestep -data ks.h5 -test_data ks.h5 -o out.json -step_epochs abc
expect_error 2 "-step_lr nan: must be finite" "$LIEREG" timestep -data ks.h5 -test_data ks.h5 -o out.json -step_lr nan
expect_error 2 "-index 1.5: not an integer" "$LIEREG" plot -i ks.h5 -o out.png -index 1.5
P="$LIEREG pretrain -data ks.h5 -o out.h5"
expect_error 2 "-model_expander a: not an integer" $P -model_expander a,b
expect_error 2 "-aug_strengths nan: must be finite" $P -aug_strengths nan,1
expect_error 2 "-aug_strengths -1: out of range" $P -aug_strengths -1
expect_error 2 "-train_lr inf: must be finite" $P -train_lr inf -train_steps 1
expect_error 2 "-train_batch 1e3: not an integer" $P -train_batch 1e3
expect_error 2 "-model_width 100000: out of range" $P -model_width 100000
expect_error 2 "-probe_bootstrap 2000000000: out of range" "$LIEREG" probe -emb ks.h5 -target nu -probe_bootstrap 2000000000
expect_error 2 "-probe_sweep 1.5: not an integer" "$LIEREG" probe -emb ks.h5 -target nu -probe_sweep 1.5,2
# every enum/choice option (PETSc's Enum/EList, through lie_options_petsc_enum/elist)
N="$LIEREG generate -pde ns -o out.h5 -n 1 -ns_nx 16 -ns_ny 16"
expect_error 2 "-ns_pressure_pc foo: must be one of" $N -ns_pressure_pc foo
expect_error 2 "-ns_bc foo: must be one of" $N -ns_bc foo
expect_error 2 "-ns_advect foo: must be one of" $N -ns_advect foo
expect_error 2 "-ns_diffuse foo: must be one of" $N -ns_diffuse foo
expect_error 2 "-solver1d_method foo: must be one of etdab, etdrk4, ts" $G -n 2 -solver1d_method foo
[ ! -e out.h5 ] && [ -z "$(ls ./*.tmp 2> /dev/null)" ] && ok "no output or .tmp file left" || fail "output left behind"
finish
