// SPDX-License-Identifier: MIT
/*
 * bitmap.c - sets of ids 0..255 (struct zap_bitmap) and APQN sets as cross
 * products of two of them (struct zap_apqn_set). Id n is bit 63 - n % 64 of
 * word n / 64: the kernel's "inverse" order, so a mask prints word by word.
 *
 * Copyright zap developers 2026
 */
#include "internal.h"

#define WORDS 4

/* The bit of id @id inside its word. */
static inline uint64_t id_bit(unsigned int id)
{
	return 1ULL << (63 - id % 64);
}

/* dst = {} */
ZAP_EXPORT void zap_bitmap_zero(struct zap_bitmap *dst)
{
	for (int i = 0; i < WORDS; i++)
		dst->word[i] = 0;
}

/* dst = {0..255} */
ZAP_EXPORT void zap_bitmap_fill(struct zap_bitmap *dst)
{
	for (int i = 0; i < WORDS; i++)
		dst->word[i] = ~0ULL;
}

/* dst |= {id}; ids above 255 are ignored. */
ZAP_EXPORT void zap_bitmap_set(struct zap_bitmap *dst, unsigned int id)
{
	if (id < ZAP_IDS)
		dst->word[id / 64] |= id_bit(id);
}

/* dst &= ~{id}; ids above 255 are ignored. */
ZAP_EXPORT void zap_bitmap_clear(struct zap_bitmap *dst, unsigned int id)
{
	if (id < ZAP_IDS)
		dst->word[id / 64] &= ~id_bit(id);
}

/* dst |= {first..last}. */
ZAP_EXPORT void zap_bitmap_set_range(struct zap_bitmap *dst,
				     unsigned int first, unsigned int last)
{
	for (unsigned int id = first; id <= last && id < ZAP_IDS; id++)
		zap_bitmap_set(dst, id);
}

/* Is @id in @src? */
ZAP_EXPORT bool zap_bitmap_test(const struct zap_bitmap *src, unsigned int id)
{
	return id < ZAP_IDS && (src->word[id / 64] & id_bit(id));
}

/* dst = a & b */
ZAP_EXPORT void zap_bitmap_and(struct zap_bitmap *dst,
			       const struct zap_bitmap *a,
			       const struct zap_bitmap *b)
{
	for (int i = 0; i < WORDS; i++)
		dst->word[i] = a->word[i] & b->word[i];
}

/* dst = a | b */
ZAP_EXPORT void zap_bitmap_or(struct zap_bitmap *dst,
			      const struct zap_bitmap *a,
			      const struct zap_bitmap *b)
{
	for (int i = 0; i < WORDS; i++)
		dst->word[i] = a->word[i] | b->word[i];
}

/* dst = a & ~b */
ZAP_EXPORT void zap_bitmap_andnot(struct zap_bitmap *dst,
				  const struct zap_bitmap *a,
				  const struct zap_bitmap *b)
{
	for (int i = 0; i < WORDS; i++)
		dst->word[i] = a->word[i] & ~b->word[i];
}

/* dst = a ^ b */
ZAP_EXPORT void zap_bitmap_xor(struct zap_bitmap *dst,
			       const struct zap_bitmap *a,
			       const struct zap_bitmap *b)
{
	for (int i = 0; i < WORDS; i++)
		dst->word[i] = a->word[i] ^ b->word[i];
}

/* dst = ~src */
ZAP_EXPORT void zap_bitmap_complement(struct zap_bitmap *dst,
				      const struct zap_bitmap *src)
{
	for (int i = 0; i < WORDS; i++)
		dst->word[i] = ~src->word[i];
}

/* a == b ? */
ZAP_EXPORT bool zap_bitmap_equal(const struct zap_bitmap *a,
				 const struct zap_bitmap *b)
{
	for (int i = 0; i < WORDS; i++)
		if (a->word[i] != b->word[i])
			return false;
	return true;
}

/* src == {} ? */
ZAP_EXPORT bool zap_bitmap_empty(const struct zap_bitmap *src)
{
	for (int i = 0; i < WORDS; i++)
		if (src->word[i])
			return false;
	return true;
}

/* src == {0..255} ? */
ZAP_EXPORT bool zap_bitmap_full(const struct zap_bitmap *src)
{
	for (int i = 0; i < WORDS; i++)
		if (~src->word[i])
			return false;
	return true;
}

/* a & b != {} ? */
ZAP_EXPORT bool zap_bitmap_intersects(const struct zap_bitmap *a,
				      const struct zap_bitmap *b)
{
	for (int i = 0; i < WORDS; i++)
		if (a->word[i] & b->word[i])
			return true;
	return false;
}

/* a & ~b == {} ? */
ZAP_EXPORT bool zap_bitmap_subset(const struct zap_bitmap *a,
				  const struct zap_bitmap *b)
{
	for (int i = 0; i < WORDS; i++)
		if (a->word[i] & ~b->word[i])
			return false;
	return true;
}

/* Number of ids in @src. */
ZAP_EXPORT unsigned int zap_bitmap_weight(const struct zap_bitmap *src)
{
	unsigned int n = 0;

	for (int i = 0; i < WORDS; i++)
		n += (unsigned int)__builtin_popcountll(src->word[i]);
	return n;
}

/* Lowest id >= @id in @src, ZAP_IDS if none. */
ZAP_EXPORT unsigned int zap_bitmap_find_next(const struct zap_bitmap *src,
					     unsigned int id)
{
	unsigned int i;
	uint64_t w;

	if (id >= ZAP_IDS)
		return ZAP_IDS;
	i = id / 64;
	/* keep the bits of ids >= id in the first word looked at */
	w = src->word[i] & (~0ULL >> (id % 64));
	for (;;) {
		if (w)
			return i * 64 + (unsigned int)__builtin_clzll(w);
		if (++i == WORDS)
			return ZAP_IDS;
		w = src->word[i];
	}
}

/* Lowest id in @src, ZAP_IDS if empty. */
ZAP_EXPORT unsigned int zap_bitmap_find_first(const struct zap_bitmap *src)
{
	return zap_bitmap_find_next(src, 0);
}

/* (adapter, domain) in @set ? */
ZAP_EXPORT bool zap_apqn_set_test(const struct zap_apqn_set *set,
				  unsigned int adapter, unsigned int domain)
{
	return zap_bitmap_test(&set->adapters, adapter) &&
	       zap_bitmap_test(&set->domains, domain);
}

/* dst = x & y: (Ax x Dx) & (Ay x Dy) = (Ax & Ay) x (Dx & Dy). */
ZAP_EXPORT void zap_apqn_set_and(struct zap_apqn_set *dst,
				 const struct zap_apqn_set *x,
				 const struct zap_apqn_set *y)
{
	zap_bitmap_and(&dst->adapters, &x->adapters, &y->adapters);
	zap_bitmap_and(&dst->domains, &x->domains, &y->domains);
}

/* No APQN in @set (no adapter or no domain)? */
ZAP_EXPORT bool zap_apqn_set_empty(const struct zap_apqn_set *set)
{
	return zap_bitmap_empty(&set->adapters) ||
	       zap_bitmap_empty(&set->domains);
}

/* Do @x and @y share an APQN? */
ZAP_EXPORT bool zap_apqn_set_intersects(const struct zap_apqn_set *x,
					const struct zap_apqn_set *y)
{
	uint64_t adapters = 0, domains = 0;

	/* no calls: the audit asks this for every pair of holders */
	for (int i = 0; i < WORDS; i++) {
		adapters |= x->adapters.word[i] & y->adapters.word[i];
		domains |= x->domains.word[i] & y->domains.word[i];
	}
	return adapters && domains;
}

/* Number of APQNs in @set. */
ZAP_EXPORT unsigned int zap_apqn_set_weight(const struct zap_apqn_set *set)
{
	return zap_bitmap_weight(&set->adapters) *
	       zap_bitmap_weight(&set->domains);
}
