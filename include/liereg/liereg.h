/* liereg: self-supervised learning with Lie point symmetries on PDE data.
 * One header per module; this one includes them all. */
#ifndef LIEREG_H
#define LIEREG_H
#include "liereg/augment.h"
#include "liereg/augsearch.h"
#include "liereg/core.h"
#include "liereg/eval.h"
#include "liereg/infer.h"
#include "liereg/io.h"
#include "liereg/nn.h"
#include "liereg/ns2d.h"
#include "liereg/options.h"
#include "liereg/pipeline.h"
#include "liereg/probe_trained.h"
#include "liereg/report.h"
#include "liereg/solvers.h"
#include "liereg/ssl.h"
#include "liereg/supervised.h"
#include "liereg/timestep.h"
#endif
