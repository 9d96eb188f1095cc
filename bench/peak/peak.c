/* fp32 FMA peak of this machine: every thread runs independent chains of fused multiply-adds
 * on registers (no memory traffic), with the widest vectors the CPU has (AVX-512, else AVX2
 * with FMA3, else scalar), for a fixed wall time. Prints one JSON line per measurement:
 * threads, ISA, GFLOP/s (2 flops per lane and FMA). The best of -reps repetitions is the
 * peak the NN benchmarks are divided by (bench/nn/run_all.sh); never timed by ctest.
 *   bench_peak [-threads T] [-seconds 0.5] [-reps 3] [-isa avx2]
 * Why 12 chains: an FMA has a latency of 4 cycles and 2 pipes issue one per cycle each, so
 * at least 8 independent accumulators are needed to keep both busy; 12 leaves slack. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define CHAINS 12
#define INNER 1000 /* FMAs per chain between clock reads */

__attribute__((target("avx512f"))) static double fma_avx512(double seconds, long *iters) {
  __m512 acc[CHAINS], m = _mm512_set1_ps(0.999999f), a = _mm512_set1_ps(1e-7f);
  for (int c = 0; c < CHAINS; c++)
    acc[c] = _mm512_set1_ps((float)c);
  double t0 = omp_get_wtime(), t;
  long n = 0;
  do {
    for (int i = 0; i < INNER; i++)
#pragma GCC unroll 12 /* the accumulators must live in registers */
      for (int c = 0; c < CHAINS; c++)
        acc[c] = _mm512_fmadd_ps(acc[c], m, a);
    n += INNER;
    t = omp_get_wtime() - t0;
  } while (t < seconds);
  float sink = 0;
  for (int c = 0; c < CHAINS; c++)
    sink += _mm512_reduce_add_ps(acc[c]);
  *iters = n + (sink == 12345.f); /* keep the chains alive */
  return t;
}

__attribute__((target("avx2,fma"))) static double fma_avx2(double seconds, long *iters) {
  __m256 acc[CHAINS], m = _mm256_set1_ps(0.999999f), a = _mm256_set1_ps(1e-7f);
  for (int c = 0; c < CHAINS; c++)
    acc[c] = _mm256_set1_ps((float)c);
  double t0 = omp_get_wtime(), t;
  long n = 0;
  do {
    for (int i = 0; i < INNER; i++)
#pragma GCC unroll 12 /* the accumulators must live in registers */
      for (int c = 0; c < CHAINS; c++)
        acc[c] = _mm256_fmadd_ps(acc[c], m, a);
    n += INNER;
    t = omp_get_wtime() - t0;
  } while (t < seconds);
  float buf[8], sink = 0;
  for (int c = 0; c < CHAINS; c++) {
    _mm256_storeu_ps(buf, acc[c]);
    for (int k = 0; k < 8; k++)
      sink += buf[k];
  }
  *iters = n + (sink == 12345.f);
  return t;
}
#endif

/* CPU seconds of the process (all threads) */
static double cpu_seconds(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1e-6 * (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* Runs the chosen kernel on every thread at once; returns total GFLOP/s of wall time and, in
 * *per_cpu, GFLOP per CPU second (what one core does while it runs: robust to a loaded
 * machine, where the wall-time rate only says which share of the cores we were given). */
static double measure(const char *isa, int lanes, int threads, double seconds, double *per_cpu) {
  double c0 = cpu_seconds();
  double flops = 0, tmax = 0;
#pragma omp parallel num_threads(threads) reduction(+ : flops) reduction(max : tmax)
  {
    long n = 0;
    double t = 0;
#if defined(__x86_64__)
    if (!strcmp(isa, "avx512"))
      t = fma_avx512(seconds, &n);
    else
      t = fma_avx2(seconds, &n);
#endif
    flops = 2.0 * lanes * CHAINS * (double)n;
    tmax = t;
  }
  *per_cpu = flops / (cpu_seconds() - c0) / 1e9;
  return flops / tmax / 1e9;
}

int main(int argc, char **argv) {
  int threads = omp_get_max_threads(), reps = 3;
  const char *force_isa = NULL; /* -isa avx2: the AVX2 loop on an AVX-512 machine */
  double seconds = 0.5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "-threads"))
      threads = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "-seconds"))
      seconds = atof(argv[i + 1]);
    else if (!strcmp(argv[i], "-reps"))
      reps = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "-isa"))
      force_isa = argv[i + 1];
    else {
      fprintf(stderr, "bench_peak: unknown option %s (expected -threads -seconds -reps -isa)\n", argv[i]);
      return 2;
    }
  }
  if (threads < 1 || reps < 1 || !(seconds > 0)) {
    fprintf(stderr, "bench_peak: -threads, -reps and -seconds must be positive\n");
    return 2;
  }
#if defined(__x86_64__)
  __builtin_cpu_init();
  const char *isa = __builtin_cpu_supports("avx512f") ? "avx512" : __builtin_cpu_supports("fma") ? "avx2" : NULL;
  if (isa && force_isa) isa = !strcmp(force_isa, "avx2") ? "avx2" : isa;
  if (!isa) {
    fprintf(stderr, "bench_peak: no FMA instructions on this CPU\n");
    return 1;
  }
  int lanes = !strcmp(isa, "avx512") ? 16 : 8;
  double best = 0, best_cpu = 0;
  for (int r = 0; r < reps; r++) {
    double pc, g = measure(isa, lanes, threads, seconds, &pc);
    if (g > best) best = g;
    if (pc > best_cpu) best_cpu = pc;
    printf("{\"bench\": \"peak\", \"isa\": \"%s\", \"threads\": %d, \"rep\": %d, \"gflop_per_s\": %.1f, "
           "\"gflop_per_cpu_s\": %.1f}\n",
           isa, threads, r, g, pc);
  }
  printf("{\"bench\": \"peak\", \"isa\": \"%s\", \"threads\": %d, \"best_gflop_per_s\": %.1f, "
         "\"best_gflop_per_cpu_s\": %.1f}\n",
         isa, threads, best, best_cpu);
  return 0;
#else
  fprintf(stderr, "bench_peak: x86-64 only\n");
  return 1;
#endif
}
