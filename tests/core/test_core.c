/* Core: Philox known-answer vectors (Random123 kat_vectors), RNG statistics, seed
 * derivation, error messages and traceback frames. */
#include "lie_test.h"
#include <string.h>

static int inner_fails(int v) {
  LIE_CHECK(v > 0, LIE_ERR_USAGE, "value %d must be positive", v);
  return LIE_OK;
}
static int outer_calls(int v) {
  LIE_CALL(inner_fails(v));
  return LIE_OK;
}

/* Clean-up style: every exit passes through done, which counts the releases. */
static int releases = 0;
static int with_cleanup(int v, int fail_after) {
  int err = LIE_OK;
  double *buf = NULL;
  LIE_ALLOC_GOTO(buf, 4);
  LIE_CALL_GOTO(inner_fails(v));
  LIE_CHECK_GOTO(fail_after != 1, LIE_ERR_NUMERIC, "check failed at step %d", fail_after);
  if (fail_after == 2) LIE_SET(LIE_ERR_IO, "set at step %d", fail_after);
done:
  free(buf);
  releases++;
  return err;
}

static void test_philox_kat(void) {
  lie_rng r;
  const uint32_t want0[4] = {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u};
  const uint32_t want1[4] = {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u};
  int ok = 1;
  lie_rng_seed(&r, 0);
  for (int i = 0; i < 4; i++)
    ok &= lie_rng_u32(&r) == want0[i];
  LIE_TEST_TRUE(ok, "philox4x32-10 KAT, zero key and counter");
  lie_rng_seed(&r, ((uint64_t)0x299f31d0u << 32) | 0xa4093822u);
  const uint32_t c[4] = {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u};
  memcpy(r.ctr, c, sizeof c);
  ok = 1;
  for (int i = 0; i < 4; i++)
    ok &= lie_rng_u32(&r) == want1[i];
  LIE_TEST_TRUE(ok, "philox4x32-10 KAT, pi digits");
}

static void test_statistics(void) {
  lie_rng r;
  const int n = 1 << 20;
  double su = 0, sn = 0, sn2 = 0;
  int lo = 0, hi = 0;
  lie_rng_seed(&r, 42);
  for (int i = 0; i < n; i++) {
    su += lie_rng_uniform(&r);
    double z = lie_rng_normal(&r);
    sn += z;
    sn2 += z * z;
    int k = lie_rng_int(&r, 1, 3);
    lo += k == 1;
    hi += k == 2;
  }
  /* 5-sigma bounds for the sample moments */
  LIE_TEST_NEAR(su / n, 0.5, 5 * sqrt(1.0 / 12 / n), "uniform mean");
  LIE_TEST_NEAR(sn / n, 0.0, 5 / sqrt(n), "normal mean");
  LIE_TEST_NEAR(sn2 / n, 1.0, 5 * sqrt(2.0 / n), "normal variance");
  LIE_TEST_TRUE(lo + hi == n, "lie_rng_int stays in [1,3)");
  LIE_TEST_NEAR((double)lo / n, 0.5, 5 * 0.5 / sqrt(n), "lie_rng_int balanced");
}

static void test_seeds(void) {
  uint64_t a = lie_seed_derive(1, 0, 5), b = lie_seed_derive(1, 0, 5);
  LIE_TEST_TRUE(a == b, "seed derivation is a pure function");
  LIE_TEST_TRUE(a != lie_seed_derive(1, 1, 5) && a != lie_seed_derive(1, 0, 6) && a != lie_seed_derive(2, 0, 5),
                "seeds differ across base, split and index");
}

static void test_errors(void) {
  lie_error_clear();
  int e = outer_calls(-3);
  LIE_TEST_TRUE(e == LIE_ERR_USAGE, "error code propagates through LIE_CALL");
  LIE_TEST_TRUE(!strcmp(lie_error_message(), "value -3 must be positive"), "formatted message kept");
  char buf[2048] = {0};
  FILE *f = fmemopen(buf, sizeof buf, "w");
  lie_error_print(f, 0, 0.0, 1);
  fclose(f);
  LIE_TEST_TRUE(strstr(buf, "at inner_fails") && strstr(buf, "at outer_calls"), "traceback lists both frames");
  buf[0] = 0;
  releases = 0;
  lie_error_clear();
  e = with_cleanup(-2, 0);
  f = fmemopen(buf, sizeof buf, "w");
  lie_error_print(f, 0, 0.0, 1);
  fclose(f);
  LIE_TEST_TRUE(e == LIE_ERR_USAGE && !strcmp(lie_error_message(), "value -2 must be positive"),
                "LIE_CALL_GOTO passes code and message on");
  LIE_TEST_TRUE(strstr(buf, "at inner_fails") && strstr(buf, "at with_cleanup"), "LIE_CALL_GOTO adds its frame");
  e = with_cleanup(1, 1);
  LIE_TEST_TRUE(e == LIE_ERR_NUMERIC && !strcmp(lie_error_message(), "check failed at step 1"),
                "LIE_CHECK_GOTO records its message");
  e = with_cleanup(1, 2);
  LIE_TEST_TRUE(e == LIE_ERR_IO && !strcmp(lie_error_message(), "set at step 2"), "LIE_SET records its message");
  e = with_cleanup(1, 0);
  LIE_TEST_TRUE(e == LIE_OK && releases == 4, "done runs on every exit, success included");
  lie_split s;
  LIE_TEST_TRUE(lie_split_from_name("bogus", &s) == LIE_ERR_USAGE && strstr(lie_error_message(), "bogus"),
                "unknown split is a usage error naming the value");
}

/* lie_all_finite (blocked, vectorised): Inf/NaN anywhere — first, last, inside a block, in the
 * tail after the blocks — is found; extreme finite values are not flagged. */
static void test_all_finite(void) {
  const size_t ns[] = {1, 7, 1024, 1031, 5000};
  const double bad[] = {NAN, INFINITY, -INFINITY};
  int ok = 1;
  for (int a = 0; a < 5; a++) {
    size_t n = ns[a];
    double *x = malloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++)
      x[i] = i % 3 == 0 ? 1.7e308 : (i % 3 == 1 ? -4.9e-324 : 0.5 * i);
    ok &= lie_all_finite(x, n) == 1;
    size_t where[] = {0, n / 2, n - 1, n > 1024 ? 1024 : 0};
    for (int b = 0; b < 3; b++)
      for (int w = 0; w < 4; w++) {
        double keep = x[where[w]];
        x[where[w]] = bad[b];
        ok &= lie_all_finite(x, n) == 0;
        x[where[w]] = keep;
      }
    free(x);
  }
  LIE_TEST_TRUE(ok, "lie_all_finite finds Inf/NaN at the start, middle, end and past the blocks, not 1.7e308");
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  test_philox_kat();
  test_statistics();
  test_seeds();
  test_errors();
  test_all_finite();
  return lie_test_finish();
}
