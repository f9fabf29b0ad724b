/*
 * oneDNN's LBR GRU (linear-before-reset, the reset_after GRU) on the same
 * shapes as bench_core: forward inference, and forward training +
 * backward, float32, one layer, one direction, return sequences; the calls
 * of onednn_gru.h, which bench_core (built with -DBENCH_ONEDNN by
 * tests/bench/compare.sh) runs paired with ours in its process. Threads:
 * oneDNN's OpenMP runtime. Weights use oneDNN's preferred layouts (format
 * "any"), prepared outside the timed region, which favours oneDNN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <oneapi/dnnl/dnnl.h>

#include "onednn_gru.h"

#define CHECK(call) do { \
		dnnl_status_t s_ = (call); \
		if (s_ != dnnl_success) { \
			fprintf(stderr, "oneDNN error %d at %s:%d: %s\n", (int)s_, __FILE__, __LINE__, #call); \
			exit(2); \
		} \
	} while (0)

#define MAX_ARGS 24

typedef struct {
	dnnl_primitive_t prim;
	int n;
	dnnl_exec_arg_t args[MAX_ARGS];
} exec_t;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static void fill(dnnl_memory_t m, const dnnl_memory_desc_t *md, float scale)
{
	size_t n = dnnl_memory_desc_get_size(md) / sizeof(float), i;
	float *p;
	unsigned long long s = 0x9E3779B97F4A7C15ull + n;

	CHECK(dnnl_memory_get_data_handle(m, (void **)&p));
	for (i = 0; i < n; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		p[i] = scale * ((float)(s >> 40) / 8388608.0f - 1.0f);
	}
}

/* One memory per execution argument the primitive wants; `shared` (workspace) reused if given. */
static void bind(exec_t *e, dnnl_engine_t engine, const_dnnl_primitive_desc_t pd, const int *ids, int nids,
		dnnl_memory_t workspace)
{
	int i;

	e->n = 0;
	for (i = 0; i < nids; i++) {
		const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, ids[i]);
		dnnl_memory_t m;

		if (md == NULL || md->ndims == 0) {
			continue;
		}
		if (ids[i] == DNNL_ARG_WORKSPACE && workspace != NULL) {
			m = workspace;
		} else if (ids[i] == DNNL_ARG_WEIGHTS_LAYER || ids[i] == DNNL_ARG_WEIGHTS_ITER) {
			/* plain ldigo weights reordered into the layout the primitive chose (maybe packed) */
			dnnl_memory_desc_t plain;
			dnnl_memory_t src;
			dnnl_primitive_desc_t rpd;
			dnnl_primitive_t reorder;
			dnnl_stream_t stream;
			dnnl_exec_arg_t rargs[2];

			CHECK(dnnl_memory_desc_init_by_tag(&plain, 5, md->dims, dnnl_f32, dnnl_ldigo));
			CHECK(dnnl_memory_create(&src, &plain, engine, DNNL_MEMORY_ALLOCATE));
			fill(src, &plain, 0.05f);
			CHECK(dnnl_memory_create(&m, md, engine, DNNL_MEMORY_ALLOCATE));
			CHECK(dnnl_reorder_primitive_desc_create(&rpd, &plain, engine, md, engine, NULL));
			CHECK(dnnl_primitive_create(&reorder, rpd));
			CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
			rargs[0].arg = DNNL_ARG_FROM;
			rargs[0].memory = src;
			rargs[1].arg = DNNL_ARG_TO;
			rargs[1].memory = m;
			CHECK(dnnl_primitive_execute(reorder, stream, 2, rargs));
			CHECK(dnnl_stream_wait(stream));
		} else {
			CHECK(dnnl_memory_create(&m, md, engine, DNNL_MEMORY_ALLOCATE));
			fill(m, md, 0.5f);
		}
		e->args[e->n].arg = ids[i];
		e->args[e->n].memory = m;
		e->n++;
	}
}

static dnnl_memory_t find_arg(const exec_t *e, int id)
{
	int i;

	for (i = 0; i < e->n; i++) {
		if (e->args[i].arg == id) {
			return e->args[i].memory;
		}
	}
	return NULL;
}

struct onednn_gru {
	dnnl_stream_t stream;
	exec_t inf, trn, bwd;
};

static dnnl_engine_t engine;

onednn_gru *onednn_gru_create(long B, long T, long I, long H)
{
	static const int fwd_ids[] = {DNNL_ARG_SRC_LAYER, DNNL_ARG_SRC_ITER, DNNL_ARG_WEIGHTS_LAYER,
		DNNL_ARG_WEIGHTS_ITER, DNNL_ARG_BIAS, DNNL_ARG_DST_LAYER, DNNL_ARG_DST_ITER, DNNL_ARG_WORKSPACE};
	static const int bwd_ids[] = {DNNL_ARG_SRC_LAYER, DNNL_ARG_SRC_ITER, DNNL_ARG_WEIGHTS_LAYER,
		DNNL_ARG_WEIGHTS_ITER, DNNL_ARG_BIAS, DNNL_ARG_DST_LAYER, DNNL_ARG_DST_ITER, DNNL_ARG_WORKSPACE,
		DNNL_ARG_DIFF_SRC_LAYER, DNNL_ARG_DIFF_SRC_ITER, DNNL_ARG_DIFF_WEIGHTS_LAYER,
		DNNL_ARG_DIFF_WEIGHTS_ITER, DNNL_ARG_DIFF_BIAS, DNNL_ARG_DIFF_DST_LAYER, DNNL_ARG_DIFF_DST_ITER};
	dnnl_dims_t src_dims = {T, B, I}, iter_dims = {1, 1, B, H}, wl_dims = {1, 1, I, 3, H},
		wi_dims = {1, 1, H, 3, H}, bias_dims = {1, 1, 4, H}, dst_dims = {T, B, H};
	dnnl_memory_desc_t src, iter, wl, wi, bias, dst, wl_any, wi_any;
	dnnl_rnn_desc_t inf_d, trn_d, bwd_d;
	dnnl_primitive_desc_t inf_pd, trn_pd, bwd_pd;
	onednn_gru *g = calloc(1, sizeof(*g));

	if (g == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	if (engine == NULL) {
		CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
	}
	CHECK(dnnl_stream_create(&g->stream, engine, dnnl_stream_default_flags));
	CHECK(dnnl_memory_desc_init_by_tag(&src, 3, src_dims, dnnl_f32, dnnl_tnc));
	CHECK(dnnl_memory_desc_init_by_tag(&iter, 4, iter_dims, dnnl_f32, dnnl_ldnc));
	CHECK(dnnl_memory_desc_init_by_tag(&wl, 5, wl_dims, dnnl_f32, dnnl_format_tag_any));
	CHECK(dnnl_memory_desc_init_by_tag(&wi, 5, wi_dims, dnnl_f32, dnnl_format_tag_any));
	CHECK(dnnl_memory_desc_init_by_tag(&bias, 4, bias_dims, dnnl_f32, dnnl_ldgo));
	CHECK(dnnl_memory_desc_init_by_tag(&dst, 3, dst_dims, dnnl_f32, dnnl_tnc));
	wl_any = wl;
	wi_any = wi;

	/*
	 * No initial state (a NULL src_iter is zeros) and so no gradient of
	 * one, as bench_core gives ours and torch_gru.py PyTorch (h0 zeros, no
	 * gradient): the same problem for all, a model's usual training call
	 */
	CHECK(dnnl_lbr_gru_forward_desc_init(&inf_d, dnnl_forward_inference, dnnl_unidirectional_left2right,
			&src, NULL, &wl, &wi, &bias, &dst, &iter, 0));
	CHECK(dnnl_primitive_desc_create(&inf_pd, &inf_d, NULL, engine, NULL));
	CHECK(dnnl_lbr_gru_forward_desc_init(&trn_d, dnnl_forward_training, dnnl_unidirectional_left2right,
			&src, NULL, &wl, &wi, &bias, &dst, &iter, 0));
	CHECK(dnnl_primitive_desc_create(&trn_pd, &trn_d, NULL, engine, NULL));
	CHECK(dnnl_lbr_gru_backward_desc_init(&bwd_d, dnnl_backward, dnnl_unidirectional_left2right,
			&src, NULL, &wl_any, &wi_any, &bias, &dst, &iter,
			&src, NULL, &wl_any, &wi_any, &bias, &dst, &iter, 0));
	CHECK(dnnl_primitive_desc_create(&bwd_pd, &bwd_d, NULL, engine, trn_pd));

	CHECK(dnnl_primitive_create(&g->inf.prim, inf_pd));
	CHECK(dnnl_primitive_create(&g->trn.prim, trn_pd));
	CHECK(dnnl_primitive_create(&g->bwd.prim, bwd_pd));
	bind(&g->inf, engine, inf_pd, fwd_ids, 8, NULL);
	bind(&g->trn, engine, trn_pd, fwd_ids, 8, NULL);
	bind(&g->bwd, engine, bwd_pd, bwd_ids, 15, find_arg(&g->trn, DNNL_ARG_WORKSPACE));
	/* primitives and memories are left to process exit: a benchmark, not a library */
	return g;
}

double onednn_gru_forward_ms(onednn_gru *g)
{
	const double t0 = now_ms();

	CHECK(dnnl_primitive_execute(g->inf.prim, g->stream, g->inf.n, g->inf.args));
	CHECK(dnnl_stream_wait(g->stream));
	return now_ms() - t0;
}

double onednn_gru_train_ms(onednn_gru *g)
{
	const double t0 = now_ms();

	CHECK(dnnl_primitive_execute(g->trn.prim, g->stream, g->trn.n, g->trn.args));
	CHECK(dnnl_primitive_execute(g->bwd.prim, g->stream, g->bwd.n, g->bwd.args));
	CHECK(dnnl_stream_wait(g->stream));
	return now_ms() - t0;
}

const char *onednn_gru_version(void)
{
	static char text[64];
	const dnnl_version_t *v = dnnl_version();

	snprintf(text, sizeof(text), "oneDNN %d.%d.%d (cpu runtime %u, isa %d)", v->major, v->minor, v->patch,
			v->cpu_runtime, (int)dnnl_get_effective_cpu_isa());
	return text;
}
