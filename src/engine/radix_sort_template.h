/*
 * The radix sort's one implementation (src/engine/radix_sort.c), written
 * for a value type LIQ_RADIX_UINT and named with LIQ_RADIX_NAME(base):
 * radix_sort.c includes it once per type. No include guard: it is meant to
 * be included more than once.
 */

/* One serial counting pass by the 8 bits at shift s, src to dst. It never
 * enters the OpenMP runtime, which even for a team of one (or a false `if`
 * clause) costs a call and, with Debian's gcc 12 libgomp, a futex system
 * call: called per market and round, that was 85,000 system calls a round
 * in a 10^4-protocol ecosystem (commit d89ab15). */
static void LIQ_RADIX_NAME(liq_radix_pass)(const LIQ_RADIX_UINT *src, LIQ_RADIX_UINT *dst, size_t n,
                                           unsigned s)
{
    size_t c[256] = {0};
    for (size_t i = 0; i < n; i++) {
        c[(src[i] >> s) & 0xffu]++;
    }
    for (size_t d = 0, place = 0; d < 256; d++) {
        const size_t here = c[d];
        c[d] = place;
        place += here;
    }
    for (size_t i = 0; i < n; i++) {
        dst[c[(src[i] >> s) & 0xffu]++] = src[i];
    }
}

/* Four passes from bit `shift`, each serial (blocks == 1) or split into
 * `blocks` contiguous blocks, one thread each: the threads count their
 * blocks' digits, every (digit, block) gets its place in digit-major
 * order, and each thread scatters its block. */
static void LIQ_RADIX_NAME(liq_radix_passes)(LIQ_RADIX_UINT *a, LIQ_RADIX_UINT *tmp, size_t n,
                                             unsigned shift, int blocks)
{
    size_t count[LIQ_RADIX_MAX_BLOCKS][256];
    LIQ_RADIX_UINT *src = a, *dst = tmp;
    for (unsigned pass = 0; pass < 4; pass++) {
        const unsigned s = shift + 8u * pass;
        if (blocks == 1) {
            LIQ_RADIX_NAME(liq_radix_pass)(src, dst, n, s);
            LIQ_RADIX_UINT *t = src;
            src = dst;
            dst = t;
            continue;
        }
#pragma omp parallel default(none) shared(count, src, dst) firstprivate(n, s, blocks)              \
    num_threads(blocks)
        {
            /* The team may be smaller than asked for: split by its size. */
            const size_t nb = (size_t)omp_get_num_threads();
            const size_t b = (size_t)omp_get_thread_num();
            const size_t lo = n * b / nb, hi = n * (b + 1) / nb;
            size_t *c = count[b];
            for (size_t d = 0; d < 256; d++) {
                c[d] = 0;
            }
            for (size_t i = lo; i < hi; i++) {
                c[(src[i] >> s) & 0xffu]++;
            }
#pragma omp barrier
#pragma omp single
            {
                size_t place = 0;
                for (size_t d = 0; d < 256; d++) {
                    for (size_t t = 0; t < nb; t++) {
                        const size_t here = count[t][d];
                        count[t][d] = place;
                        place += here;
                    }
                }
            }
            for (size_t i = lo; i < hi; i++) {
                dst[c[(src[i] >> s) & 0xffu]++] = src[i];
            }
        }
        LIQ_RADIX_UINT *t = src;
        src = dst;
        dst = t;
    }
}
