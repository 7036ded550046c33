/*
 * Peak int8 multiply-accumulate rate of this CPU, measured: independent chains of the widest int8 dot-product
 * instruction the compiler targets (-march=native), from registers, no memory traffic. This is the ceiling an int8
 * convolution kernel (XNNPACK's among them) works against.
 *
 *   AVX-512 VNNI  vpdpbusd zmm: 64 u8 x s8 products summed into 16 int32 lanes (64 multiply-adds)
 *   AVX-VNNI      vpdpbusd ymm: 32 multiply-adds
 *   AVX2          vpmaddubsw + vpmaddwd + vpaddd: 32 multiply-adds accumulated into int32 in three instructions
 *
 * The clock is measured too: a chain of dependent integer adds retires one add per cycle on every x86 core, so
 * adds per second is the core clock the kernel ran at (under a hypervisor /proc/cpuinfo shows only the nominal one).
 * Every figure is the best and the median of many short trials: on a shared machine the best trial is the one
 * least disturbed by other work.
 *
 * Output, one "key value..." line each: kernel, clock_ghz, and per thread count "threads N gmacs best median".
 * Build: gcc -O2 -march=native -pthread int8_peak.c -o int8_peak
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define TRIALS 40
#define CHAINS 12 /* the accumulators of dot_kernel */

#if defined(__AVX512VNNI__) && defined(__AVX512F__)
#define KERNEL "avx512vnni-vpdpbusd-zmm"
#define MACS_PER_STEP 64
typedef __m512i vec;
static vec vzero(int i) { return _mm512_set1_epi32(i); }
static vec vbytes(int b) { return _mm512_set1_epi8((char) b); }
static vec step(vec acc, vec a, vec b) { return _mm512_dpbusd_epi32(acc, a, b); }
static int vsum(vec v) { return _mm512_reduce_add_epi32(v); }
#elif defined(__AVXVNNI__)
#define KERNEL "avxvnni-vpdpbusd-ymm"
#define MACS_PER_STEP 32
typedef __m256i vec;
static vec vzero(int i) { return _mm256_set1_epi32(i); }
static vec vbytes(int b) { return _mm256_set1_epi8((char) b); }
static vec step(vec acc, vec a, vec b) { return _mm256_dpbusd_avx_epi32(acc, a, b); }
static int vsum(vec v) { int o[8]; _mm256_storeu_si256((vec *) o, v); return o[0] + o[1] + o[2] + o[3] + o[4] + o[5] + o[6] + o[7]; }
#elif defined(__AVX2__)
#define KERNEL "avx2-vpmaddubsw-vpmaddwd-vpaddd"
#define MACS_PER_STEP 32
typedef __m256i vec;
static vec vzero(int i) { return _mm256_set1_epi32(i); }
static vec vbytes(int b) { return _mm256_set1_epi8((char) b); }
static vec step(vec acc, vec a, vec b) {
    vec pairs = _mm256_maddubs_epi16(a, b);                      /* u8 x s8, adjacent pairs summed to int16 */
    return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1))); /* to int32, accumulated */
}
static int vsum(vec v) { int o[8]; _mm256_storeu_si256((vec *) o, v); return o[0] + o[1] + o[2] + o[3] + o[4] + o[5] + o[6] + o[7]; }
#else
#error "needs AVX2, AVX-VNNI or AVX-512 VNNI (compile with -march=native on such a CPU)"
#endif

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static volatile int sink;

/* Twelve independent accumulators (named, so that they stay in registers) hide the instruction latency; distinct
   start values keep the compiler from merging the chains. */
static double dot_kernel(long iterations) {
    vec a = vbytes(3), b = vbytes(5);
    vec c0 = vzero(0), c1 = vzero(1), c2 = vzero(2), c3 = vzero(3), c4 = vzero(4), c5 = vzero(5);
    vec c6 = vzero(6), c7 = vzero(7), c8 = vzero(8), c9 = vzero(9), c10 = vzero(10), c11 = vzero(11);
    double t0 = now();
    for (long n = 0; n < iterations; n++) {
        c0 = step(c0, a, b); c1 = step(c1, a, b); c2 = step(c2, a, b); c3 = step(c3, a, b);
        c4 = step(c4, a, b); c5 = step(c5, a, b); c6 = step(c6, a, b); c7 = step(c7, a, b);
        c8 = step(c8, a, b); c9 = step(c9, a, b); c10 = step(c10, a, b); c11 = step(c11, a, b);
    }
    double t = now() - t0;
    sink = vsum(c0) + vsum(c1) + vsum(c2) + vsum(c3) + vsum(c4) + vsum(c5) + vsum(c6) + vsum(c7) + vsum(c8)
            + vsum(c9) + vsum(c10) + vsum(c11);
    return t;
}

typedef struct {
    long iterations;
    pthread_barrier_t *start;
    double seconds;
} job;

static void *run_job(void *arg) {
    job *j = arg;
    pthread_barrier_wait(j->start);
    j->seconds = dot_kernel(j->iterations);
    return NULL;
}

/* Multiply-adds per second of threads concurrent kernels: their total work over the slowest one's time. */
static double trial(int threads, long iterations) {
    pthread_t ids[64];
    job jobs[64];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, threads);
    for (int t = 0; t < threads; t++) {
        jobs[t] = (job) {iterations, &start, 0};
        pthread_create(&ids[t], NULL, run_job, &jobs[t]);
    }
    double slowest = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        slowest = jobs[t].seconds > slowest ? jobs[t].seconds : slowest;
    }
    pthread_barrier_destroy(&start);
    return (double) threads * iterations * CHAINS * MACS_PER_STEP / slowest;
}

static double clock_trial(long iterations) {
    long x = 0;
    double t0 = now();
    for (long n = 0; n < iterations; n++) {
        __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                         "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
    }
    double t = now() - t0;
    sink = (int) x;
    return iterations * 8.0 / t;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

static void report(const char *what, double *values) {
    qsort(values, TRIALS, sizeof(double), by_value);
    printf("%s %.2f %.2f\n", what, values[TRIALS - 1] / 1e9, values[TRIALS / 2] / 1e9);
}

int main(int argc, char **argv) {
    int max_threads = argc > 1 ? atoi(argv[1]) : 2;
    if (max_threads < 1 || max_threads > 64) {
        fprintf(stderr, "usage: int8_peak [threads 1..64]\n");
        return 2;
    }
    double values[TRIALS];
    printf("kernel %s %d\n", KERNEL, MACS_PER_STEP);
    clock_trial(10000000); /* wakes the core up to its working clock */
    for (int i = 0; i < TRIALS; i++) {
        values[i] = clock_trial(5000000); /* about 15 ms */
    }
    report("clock_ghz", values);
    for (int threads = 1; threads <= max_threads; threads++) {
        trial(threads, 200000);
        for (int i = 0; i < TRIALS; i++) {
            values[i] = trial(threads, 200000); /* about 50 ms at 100 GMAC/s per thread */
        }
        char what[32];
        snprintf(what, sizeof what, "threads %d gmacs", threads);
        report(what, values);
    }
    return 0;
}
