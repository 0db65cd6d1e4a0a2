/*
 * compile.c — schema document to node graph.
 *
 * Two passes.  discover() walks the subschemas the way the spec defines
 * them (never into enum, const or unknown keywords) and records, for each
 * one, its base URI, its location and its resource; $id, $anchor and
 * $dynamicAnchor register resources and anchors.  compile() then builds
 * the nodes, memoised by JSON object so that a $ref reaching a node twice
 * (or recursively) shares it.  Booleans are jansson singletons, so each
 * boolean schema gets a node of its own instead.
 */
#include "validate/private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Where a discovered subschema lives. */
struct dinfo {
	const char *base;
	const char *path;
	struct vres *res;
};

/* Open addressing from a JSON node to a pointer. */
struct pmap {
	const void **keys;
	void **vals;
	size_t cap;
	size_t n;
};

struct cctx {
	struct q_schema *s;
	struct q_arena tmp; /* what only compiling needs */
	struct q_error *err;
	struct pmap nodes;  /* json_t * -> struct vnode * */
	struct pmap info;   /* json_t * -> struct dinfo * */
	struct vres **res;
	size_t n_res, cap_res;
	const struct q_schema_doc *docs;
	size_t n_docs;
	unsigned char *loaded;
};

/* The state of compiling one object schema. */
struct kctx {
	struct cctx *c;
	struct vnode *n;
	json_t *obj;
	const char *base;
	struct vres *res;
	struct vprop *plist; /* "properties", before hashing */
	size_t n_plist;
};

static struct vnode *compile(struct cctx *c, json_t *j, const char *base,
			     const char *path, struct vres *res);

/* ---- errors ---------------------------------------------------------- */

static int oom(struct cctx *c)
{
	return q_error_msg(c->err, Q_ENOMEM, NULL, "out of memory");
}

static int bad_code(struct cctx *c, int code, const char *path,
		    const char *kw, const char *fmt, va_list ap)
{
	char why[Q_ERROR_MESSAGE_MAX];
	vsnprintf(why, sizeof(why), fmt, ap);
	return q_error_msg(c->err, code, NULL, "bad schema at '%s%s%s': %s",
			   path, kw ? "/" : "", kw ? kw : "", why);
}

static int Q_PRINTF(4, 5) bad(struct cctx *c, const char *path,
			      const char *kw, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = bad_code(c, Q_EINVALID, path, kw, fmt, ap);
	va_end(ap);
	return rc;
}

static int Q_PRINTF(4, 5) bad_syntax(struct cctx *c, const char *path,
				     const char *kw, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = bad_code(c, Q_ESYNTAX, path, kw, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- memory ---------------------------------------------------------- */

static void *salloc(struct cctx *c, size_t size)
{
	void *p = q_arena_alloc(&c->s->arena, size ? size : 1);
	if (!p)
		oom(c);
	return p;
}

static char *sdup(struct cctx *c, struct q_arena *a, const char *s,
		  size_t len)
{
	char *p = q_arena_strndup(a, s, len);
	if (!p)
		oom(c);
	return p;
}

static uint64_t ptr_hash(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static void *pmap_get(const struct pmap *m, const void *k)
{
	if (!m->cap)
		return NULL;
	for (size_t i = ptr_hash(k) & (m->cap - 1); m->keys[i];
	     i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == k)
			return m->vals[i];
	return NULL;
}

static int pmap_grow(struct cctx *c, struct pmap *m)
{
	struct pmap g = {.cap = m->cap ? m->cap * 2 : 64};
	g.keys = q_arena_alloc(&c->tmp, g.cap * sizeof(*g.keys));
	g.vals = q_arena_alloc(&c->tmp, g.cap * sizeof(*g.vals));
	if (!g.keys || !g.vals)
		return oom(c);
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = ptr_hash(m->keys[i]) & (g.cap - 1);
		while (g.keys[j])
			j = (j + 1) & (g.cap - 1);
		g.keys[j] = m->keys[i];
		g.vals[j] = m->vals[i];
	}
	g.n = m->n;
	*m = g;
	return 0;
}

/* Keys are never put twice. */
static int pmap_put(struct cctx *c, struct pmap *m, const void *k, void *v)
{
	if ((m->n + 1) * 2 > m->cap && pmap_grow(c, m))
		return c->err->code;
	size_t i = ptr_hash(k) & (m->cap - 1);
	while (m->keys[i])
		i = (i + 1) & (m->cap - 1);
	m->keys[i] = k;
	m->vals[i] = v;
	m->n++;
	return 0;
}

static int codes_add(struct cctx *c, pcre2_code *re)
{
	struct q_schema *s = c->s;
	if (s->n_codes == s->cap_codes) {
		size_t cap = s->cap_codes ? s->cap_codes * 2 : 8;
		pcre2_code **n = realloc(s->codes, cap * sizeof(*n));
		if (!n) {
			pcre2_code_free(re);
			return oom(c);
		}
		s->codes = n;
		s->cap_codes = cap;
	}
	s->codes[s->n_codes++] = re;
	return 0;
}

/* ---- JSON Pointers and URIs ------------------------------------------ */

/* path + "/" + seg with ~ and / escaped, in the schema arena. */
static const char *join(struct cctx *c, const char *path, const char *seg,
			size_t len)
{
	size_t plen = strlen(path), extra = 0;
	for (size_t i = 0; i < len; i++)
		extra += seg[i] == '~' || seg[i] == '/';
	char *p = salloc(c, plen + len + extra + 2);
	if (!p)
		return NULL;
	memcpy(p, path, plen);
	char *w = p + plen;
	*w++ = '/';
	for (size_t i = 0; i < len; i++) {
		if (seg[i] == '~' || seg[i] == '/') {
			*w++ = '~';
			*w++ = seg[i] == '~' ? '0' : '1';
		} else {
			*w++ = seg[i];
		}
	}
	*w = '\0';
	return p;
}

static const char *join_kw(struct cctx *c, const char *path, const char *kw)
{
	return join(c, path, kw, strlen(kw));
}

static const char *join_index(struct cctx *c, const char *path, size_t i)
{
	char num[32];
	int n = snprintf(num, sizeof(num), "%zu", i);
	return join(c, path, num, (size_t)n);
}

/* A URI reference cut into its RFC 3986 parts (pointers into it). */
struct uri {
	const char *scheme, *auth, *path, *query, *frag;
	size_t scheme_len, auth_len, path_len, query_len, frag_len;
	int has_scheme, has_auth, has_query, has_frag;
};

static void uri_parse(const char *s, struct uri *u)
{
	memset(u, 0, sizeof(*u));
	size_t i = 0, n = strlen(s);
	if (n && ((s[0] | 32) >= 'a' && (s[0] | 32) <= 'z')) {
		size_t j = 1;
		while (j < n && (((s[j] | 32) >= 'a' && (s[j] | 32) <= 'z') ||
				 (s[j] >= '0' && s[j] <= '9') || s[j] == '+' ||
				 s[j] == '-' || s[j] == '.'))
			j++;
		if (j < n && s[j] == ':') {
			u->has_scheme = 1;
			u->scheme = s;
			u->scheme_len = j;
			i = j + 1;
		}
	}
	if (i + 1 < n && s[i] == '/' && s[i + 1] == '/') {
		size_t j = i + 2;
		while (j < n && s[j] != '/' && s[j] != '?' && s[j] != '#')
			j++;
		u->has_auth = 1;
		u->auth = s + i + 2;
		u->auth_len = j - i - 2;
		i = j;
	}
	u->path = s + i;
	while (i < n && s[i] != '?' && s[i] != '#')
		i++;
	u->path_len = (size_t)(s + i - u->path);
	if (i < n && s[i] == '?') {
		size_t j = i + 1;
		while (j < n && s[j] != '#')
			j++;
		u->has_query = 1;
		u->query = s + i + 1;
		u->query_len = j - i - 1;
		i = j;
	}
	if (i < n && s[i] == '#') {
		u->has_frag = 1;
		u->frag = s + i + 1;
		u->frag_len = n - i - 1;
	}
}

/* RFC 3986 5.2.4, in place on a NUL-terminated path. */
static void remove_dots(char *in)
{
	char *out = in, *r = in;
	while (*r) {
		int up = 0;
		if (!strncmp(r, "../", 3)) {
			r += 3;
		} else if (!strncmp(r, "./", 2) || !strncmp(r, "/./", 3)) {
			r += 2;
		} else if (!strcmp(r, "/.")) {
			r[1] = '\0';
		} else if (!strncmp(r, "/../", 4)) {
			r += 3;
			up = 1;
		} else if (!strcmp(r, "/..")) {
			r += 2;
			*r = '/';
			up = 1;
		} else if (!strcmp(r, ".") || !strcmp(r, "..")) {
			break;
		} else {
			do
				*out++ = *r++;
			while (*r && *r != '/');
		}
		/* ".." drops the last output segment with its slash. */
		while (up && out > in && *--out != '/')
			;
	}
	*out = '\0';
}

/* The merged path of RFC 3986 5.2.3 into p. */
static void merge_path(struct q_buf *p, const struct uri *b,
		       const struct uri *r)
{
	const char *slash = b->path_len ? memrchr(b->path, '/', b->path_len)
					: NULL;
	if (b->has_auth && !b->path_len)
		q_buf_putc(p, '/');
	else if (slash)
		q_buf_append(p, b->path, (size_t)(slash - b->path) + 1);
	q_buf_append(p, r->path, r->path_len);
}

static void uri_put(struct q_buf *out, const struct uri *scheme,
		    const struct uri *auth, const char *path,
		    const struct uri *query, const struct uri *frag)
{
	if (scheme->has_scheme) {
		q_buf_append(out, scheme->scheme, scheme->scheme_len);
		q_buf_putc(out, ':');
	}
	if (auth->has_auth) {
		q_buf_puts(out, "//");
		q_buf_append(out, auth->auth, auth->auth_len);
	}
	q_buf_puts(out, path);
	if (query->has_query) {
		q_buf_putc(out, '?');
		q_buf_append(out, query->query, query->query_len);
	}
	if (frag->has_frag && frag->frag_len) {
		q_buf_putc(out, '#');
		q_buf_append(out, frag->frag, frag->frag_len);
	}
}

/* ref resolved against base (RFC 3986 5.2.2), in the compile arena. */
static char *uri_resolve(struct cctx *c, const char *base, const char *ref)
{
	struct uri b, r;
	struct q_buf path, out;
	const struct uri *scheme = &r, *auth = &r, *query = &r;
	uri_parse(base, &b);
	uri_parse(ref, &r);
	q_buf_init(&path, 0);
	q_buf_init(&out, 0);
	if (r.has_scheme || r.has_auth) {
		scheme = r.has_scheme ? &r : &b;
		q_buf_append(&path, r.path, r.path_len);
	} else {
		scheme = auth = &b;
		if (!r.path_len) {
			q_buf_append(&path, b.path, b.path_len);
			query = r.has_query ? &r : &b;
		} else if (r.path[0] == '/') {
			q_buf_append(&path, r.path, r.path_len);
		} else {
			merge_path(&path, &b, &r);
		}
	}
	q_buf_putc(&path, 0);
	char *res = NULL;
	if (!path.failed) {
		remove_dots(path.data);
		uri_put(&out, scheme, auth, path.data, query, &r);
		if (!out.failed)
			res = sdup(c, &c->tmp, out.data ? out.data : "",
				   out.len);
	}
	if (!res)
		oom(c);
	q_buf_release(&path);
	q_buf_release(&out);
	return res;
}

/* Decodes %XX in place. */
static void percent_decode(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		int hi, lo;
		if (*r == '%' && r[1] && r[2] &&
		    (hi = r[1] <= '9' ? r[1] - '0' : (r[1] | 32) - 'a' + 10) >=
			    0 && hi < 16 &&
		    (lo = r[2] <= '9' ? r[2] - '0' : (r[2] | 32) - 'a' + 10) >=
			    0 && lo < 16) {
			*w++ = (char)(hi * 16 + lo);
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* Follows a JSON Pointer ("/a/0/b~1c") from root; NULL when it leads off. */
static json_t *pointer_get(json_t *root, const char *ptr)
{
	char tok[1024];
	json_t *cur = root;
	while (*ptr) {
		if (*ptr != '/')
			return NULL;
		ptr++;
		size_t n = 0;
		for (; *ptr && *ptr != '/'; ptr++) {
			char ch = *ptr;
			if (ch == '~') {
				if (ptr[1] != '0' && ptr[1] != '1')
					return NULL;
				ch = *++ptr == '0' ? '~' : '/';
			}
			if (n + 1 >= sizeof(tok))
				return NULL;
			tok[n++] = ch;
		}
		tok[n] = '\0';
		if (json_is_object(cur)) {
			cur = json_object_getn(cur, tok, n);
		} else if (json_is_array(cur)) {
			char *end;
			if (!n || (n > 1 && tok[0] == '0') ||
			    tok[0] < '0' || tok[0] > '9')
				return NULL;
			unsigned long i = strtoul(tok, &end, 10);
			cur = *end ? NULL : json_array_get(cur, i);
		} else {
			return NULL;
		}
		if (!cur)
			return NULL;
	}
	return cur;
}

/* ---- resources and discovery ----------------------------------------- */

static struct vres *res_find(struct cctx *c, const char *uri)
{
	for (size_t i = 0; i < c->n_res; i++)
		if (!strcmp(c->res[i]->uri, uri))
			return c->res[i];
	return NULL;
}

static struct vres *res_add(struct cctx *c, const char *uri, json_t *root,
			    const char *path)
{
	struct vres *r = res_find(c, uri);
	if (r)
		return r; /* the first definition wins */
	r = salloc(c, sizeof(*r));
	if (!r || q_arena_reserve(&c->tmp, (void **)&c->res, &c->cap_res,
				  sizeof(*c->res), c->n_res + 1)) {
		oom(c);
		return NULL;
	}
	r->uri = sdup(c, &c->s->arena, uri, strlen(uri));
	r->root = root;
	r->path = path;
	c->res[c->n_res++] = r;
	return r->uri ? r : NULL;
}

static int anchor_add(struct cctx *c, struct vres *r, json_t *j,
		      const char *path, const char *kw, int dynamic)
{
	json_t *a = json_object_get(j, kw);
	if (!a)
		return 0;
	const char *name = json_string_value(a);
	if (!name || !((name[0] | 32) >= 'a' && (name[0] | 32) <= 'z') ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789-_.") != strlen(name))
		return bad(c, path, kw, "expected a plain name");
	for (size_t i = 0; i < r->n_anchors; i++) {
		struct vanchor *o = &r->anchors[i];
		if (!strcmp(o->name, name) && o->json != j)
			return bad(c, path, kw, "duplicate anchor '%s'", name);
	}
	if (q_arena_reserve(&c->s->arena, (void **)&r->anchors,
			    &r->cap_anchors, sizeof(*r->anchors),
			    r->n_anchors + 1))
		return oom(c);
	r->anchors[r->n_anchors++] = (struct vanchor){
		.name = name, .json = j, .dynamic = dynamic};
	return 0;
}

static const char *const single_kws[] = {
	"additionalProperties", "propertyNames", "items", "contains", "not",
	"if", "then", "else", "unevaluatedItems", "unevaluatedProperties",
	"contentSchema",
};
static const char *const map_kws[] = {
	"properties", "patternProperties", "$defs", "dependentSchemas",
};
static const char *const list_kws[] = {
	"allOf", "anyOf", "oneOf", "prefixItems",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int discover(struct cctx *c, json_t *j, const char *base,
		    const char *path, struct vres *res);

static int discover_children(struct cctx *c, json_t *j, const char *base,
			     const char *path, struct vres *res)
{
	for (size_t k = 0; k < COUNT(single_kws); k++) {
		json_t *v = json_object_get(j, single_kws[k]);
		const char *p = v ? join_kw(c, path, single_kws[k]) : path;
		if (!p || (v && discover(c, v, base, p, res)))
			return c->err->code;
	}
	for (size_t k = 0; k < COUNT(map_kws); k++) {
		json_t *m = json_object_get(j, map_kws[k]), *v;
		const char *key, *mp;
		if (!json_is_object(m))
			continue;
		if (!(mp = join_kw(c, path, map_kws[k])))
			return c->err->code;
		json_object_foreach(m, key, v) {
			const char *p = join(c, mp, key, strlen(key));
			if (!p || discover(c, v, base, p, res))
				return c->err->code;
		}
	}
	for (size_t k = 0; k < COUNT(list_kws); k++) {
		json_t *a = json_object_get(j, list_kws[k]), *v;
		size_t i;
		const char *lp;
		if (!json_is_array(a))
			continue;
		if (!(lp = join_kw(c, path, list_kws[k])))
			return c->err->code;
		json_array_foreach(a, i, v) {
			const char *p = join_index(c, lp, i);
			if (!p || discover(c, v, base, p, res))
				return c->err->code;
		}
	}
	return 0;
}

static int discover(struct cctx *c, json_t *j, const char *base,
		    const char *path, struct vres *res)
{
	if (!json_is_object(j) || pmap_get(&c->info, j))
		return 0;
	json_t *id = json_object_get(j, "$id");
	if (id) {
		const char *s = json_string_value(id);
		if (!s)
			return bad(c, path, "$id", "expected a string");
		char *abs = uri_resolve(c, base, s);
		if (!abs)
			return c->err->code;
		char *hash = strchr(abs, '#');
		if (hash && hash[1])
			return bad(c, path, "$id", "'%s' has a fragment", s);
		if (hash)
			*hash = '\0';
		if (!(res = res_add(c, abs, j, path)))
			return c->err->code;
		base = abs;
	}
	if (anchor_add(c, res, j, path, "$anchor", 0) ||
	    anchor_add(c, res, j, path, "$dynamicAnchor", 1))
		return c->err->code;
	struct dinfo *d = q_arena_alloc(&c->tmp, sizeof(*d));
	if (!d)
		return oom(c);
	*d = (struct dinfo){base, path, res};
	if (pmap_put(c, &c->info, j, d))
		return c->err->code;
	return discover_children(c, j, base, path, res);
}

/* Registers a document under uri; path prefix "uri#" when remote. */
static struct vres *add_document(struct cctx *c, json_t *doc, const char *uri,
				 const char *path)
{
	struct vres *r = res_add(c, uri, doc, path);
	if (!r || discover(c, doc, uri, path, r))
		return NULL;
	return r;
}

/* The resource for an absolute URI, loading a registry document if need be. */
static struct vres *res_lookup(struct cctx *c, const char *uri)
{
	struct vres *r = res_find(c, uri);
	if (r)
		return r;
	for (size_t i = 0; i < c->n_docs; i++) {
		if (c->loaded[i] || strcmp(c->docs[i].uri, uri))
			continue;
		struct q_schema *s = c->s;
		c->loaded[i] = 1;
		if (q_arena_reserve(&s->arena, (void **)&s->held,
				    &s->cap_held, sizeof(*s->held),
				    s->n_held + 1)) {
			oom(c);
			return NULL;
		}
		s->held[s->n_held++] = json_incref(c->docs[i].doc);
		size_t n = strlen(uri);
		char *path = salloc(c, n + 2);
		if (!path)
			return NULL;
		memcpy(path, uri, n);
		memcpy(path + n, "#", 2);
		return add_document(c, c->docs[i].doc, uri, path);
	}
	return NULL;
}

/* ---- references ------------------------------------------------------ */

static json_t *anchor_get(const struct vres *r, const char *name)
{
	for (size_t i = 0; i < r->n_anchors; i++)
		if (!strcmp(r->anchors[i].name, name))
			return r->anchors[i].json;
	return NULL;
}

/*
 * Resolves the reference of keyword kw to its node.  *frag gets the
 * decoded fragment for $dynamicRef, and *target the JSON it names.
 */
static struct vnode *resolve_ref(struct kctx *k, const char *kw,
				 const char **frag, json_t **target)
{
	struct cctx *c = k->c;
	const char *ref = json_string_value(json_object_get(k->obj, kw));
	if (!ref) {
		bad(c, k->n->path, kw, "expected a string");
		return NULL;
	}
	char *uri = uri_resolve(c, k->base, ref);
	if (!uri)
		return NULL;
	char *hash = strchr(uri, '#');
	char *f = hash ? hash + 1 : uri + strlen(uri);
	if (hash)
		*hash = '\0';
	percent_decode(f);
	struct vres *r = res_lookup(c, uri);
	if (!r) {
		if (!c->err->code)
			bad(c, k->n->path, kw, "cannot resolve '%s': %s", ref,
			    uri[0] && strchr(uri, ':')
				    ? "unknown or remote document"
				    : "no such resource");
		return NULL;
	}
	json_t *t = NULL;
	const char *tpath = r->path;
	if (!f[0])
		t = r->root;
	else if (f[0] == '/')
		t = pointer_get(r->root, f);
	else
		t = anchor_get(r, f);
	if (!t) {
		bad(c, k->n->path, kw, "cannot resolve '%s': no such %s", ref,
		    f[0] == '/' ? "location" : "anchor");
		return NULL;
	}
	if (f[0] == '/') {
		size_t a = strlen(r->path), b = strlen(f);
		char *p = salloc(c, a + b + 1);
		if (!p)
			return NULL;
		memcpy(p, r->path, a);
		memcpy(p + a, f, b + 1);
		tpath = p;
	}
	*frag = f;
	*target = t;
	return compile(c, t, r->uri, tpath, r);
}

static int kw_ref(struct kctx *k, json_t *v)
{
	const char *frag;
	json_t *t;
	(void)v;
	k->n->ref = resolve_ref(k, "$ref", &frag, &t);
	if (!k->n->ref)
		return k->c->err->code;
	k->n->has |= VH_INPLACE;
	return 0;
}

static int kw_dynamic_ref(struct kctx *k, json_t *v)
{
	const char *frag;
	json_t *t;
	(void)v;
	struct vnode *n = k->n;
	n->dynref = resolve_ref(k, "$dynamicRef", &frag, &t);
	if (!n->dynref)
		return k->c->err->code;
	/* Dynamic only when the static target bookends it. */
	json_t *anchor = json_object_get(t, "$dynamicAnchor");
	const char *da = json_string_value(anchor);
	if (frag[0] && frag[0] != '/' && da && !strcmp(da, frag))
		n->dyn_name = sdup(k->c, &k->c->s->arena, frag, strlen(frag));
	n->has |= VH_INPLACE;
	return 0;
}

/* ---- keyword parsers ------------------------------------------------- */

static struct vnode *sub(struct kctx *k, json_t *v, const char *path)
{
	if (!path)
		return NULL;
	return compile(k->c, v, k->base, path, k->res);
}

static struct vnode *sub_kw(struct kctx *k, const char *kw, json_t *v)
{
	return sub(k, v, join_kw(k->c, k->n->path, kw));
}

static int sub_list(struct kctx *k, const char *kw, json_t *v,
		    struct vnode ***out, size_t *n)
{
	if (!json_is_array(v) || !json_array_size(v))
		return bad(k->c, k->n->path, kw,
			   "expected a non-empty array of schemas");
	const char *lp = join_kw(k->c, k->n->path, kw);
	*n = json_array_size(v);
	*out = salloc(k->c, *n * sizeof(**out));
	if (!lp || !*out)
		return k->c->err->code;
	for (size_t i = 0; i < *n; i++)
		if (!((*out)[i] = sub(k, json_array_get(v, i),
				      join_index(k->c, lp, i))))
			return k->c->err->code;
	return 0;
}

static int get_count(struct kctx *k, const char *kw, json_t *v, size_t *out)
{
	double d;
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (size_t)json_integer_value(v);
		return 0;
	}
	d = json_is_real(v) ? json_real_value(v) : -1;
	if (d < 0 || d != floor(d))
		return bad(k->c, k->n->path, kw,
			   "expected a non-negative integer");
	*out = d >= 1.8e19 ? SIZE_MAX : (size_t)d;
	return 0;
}

/* Shortest digits × 10^exp that reads back as d (d >= 0). */
static void dec_of_double(double d, struct vdec *out)
{
	char buf[40];
	int p;
	out->digits = 0;
	out->exp = 0;
	if (d == 0)
		return;
	for (p = 1; p < 17; p++) {
		snprintf(buf, sizeof(buf), "%.*e", p - 1, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	snprintf(buf, sizeof(buf), "%.*e", p - 1, d);
	uint64_t digits = 0;
	char *s = buf;
	for (; *s && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9')
			digits = digits * 10 + (uint64_t)(*s - '0');
	int exp = (int)strtol(s + 1, NULL, 10) - (p - 1);
	while (digits % 10 == 0) {
		digits /= 10;
		exp++;
	}
	out->digits = digits;
	out->exp = exp;
}

void q_validate_decimal(json_t *v, struct vdec *out)
{
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		uint64_t u = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
		int exp = 0;
		while (u && u % 10 == 0) {
			u /= 10;
			exp++;
		}
		out->digits = u;
		out->exp = exp;
		return;
	}
	dec_of_double(fabs(json_real_value(v)), out);
}

static int get_num(struct kctx *k, const char *kw, json_t *v,
		   struct vnum *out)
{
	if (json_is_integer(v)) {
		out->is_int = 1;
		out->i = json_integer_value(v);
		out->d = (double)out->i;
	} else if (json_is_real(v)) {
		out->is_int = 0;
		out->d = json_real_value(v);
	} else {
		return bad(k->c, k->n->path, kw, "expected a number");
	}
	return 0;
}

static const char *const type_names[] = {
	"null", "boolean", "object", "array", "number", "string", "integer",
};

static unsigned type_bit(const char *name)
{
	for (size_t i = 0; i < COUNT(type_names); i++)
		if (name && !strcmp(name, type_names[i]))
			return 1u << i;
	return 0;
}

static int kw_type(struct kctx *k, json_t *v)
{
	struct q_buf text;
	size_t n = json_is_array(v) ? json_array_size(v) : 1;
	if (!n)
		return bad(k->c, k->n->path, "type", "expected type names");
	q_buf_init(&text, 0);
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_is_array(v) ? json_array_get(v, i) : v;
		unsigned bit = type_bit(json_string_value(t));
		if (!bit || (k->n->types & bit)) {
			q_buf_release(&text);
			return bad(k->c, k->n->path, "type",
				   "expected distinct type names");
		}
		k->n->types |= bit;
		if (i)
			q_buf_puts(&text, i + 1 == n ? " or " : ", ");
		q_buf_puts(&text, json_string_value(t));
	}
	if (text.failed) {
		q_buf_release(&text);
		return oom(k->c);
	}
	/* An integral real counts as an integer, so integer ⊂ number. */
	if (k->n->types & VT_NUMBER)
		k->n->types |= VT_INTEGER;
	k->n->type_text = sdup(k->c, &k->c->s->arena,
			       text.data ? text.data : "", text.len);
	q_buf_release(&text);
	k->n->has |= VH_TYPE;
	return k->n->type_text ? 0 : k->c->err->code;
}

static int get_regex(struct kctx *k, const char *path, const char *kw,
		     const char *src, size_t len, struct vregex *out)
{
	char msg[256];
	pcre2_code *re = q_regex_compile(src, len, msg, sizeof(msg));
	if (!re)
		return bad_syntax(k->c, path, kw, "bad regex '%s': %s", src,
				  msg);
	out->code = re;
	out->source = src;
	return codes_add(k->c, re);
}

static int kw_pattern(struct kctx *k, json_t *v)
{
	if (!json_is_string(v))
		return bad(k->c, k->n->path, "pattern", "expected a string");
	k->n->has |= VH_PATTERN;
	return get_regex(k, k->n->path, "pattern", json_string_value(v),
			 json_string_length(v), &k->n->pattern);
}

static int kw_format(struct kctx *k, json_t *v)
{
	if (!json_is_string(v))
		return bad(k->c, k->n->path, "format", "expected a string");
	k->n->format = q_format_lookup(json_string_value(v));
	k->n->format_name = json_string_value(v);
	if (k->n->format)
		k->n->has |= VH_FORMAT;
	return 0;
}

static int get_names(struct kctx *k, const char *path, const char *kw,
		     json_t *v, struct vname **out, size_t *n)
{
	if (!json_is_array(v))
		return bad(k->c, path, kw, "expected an array of strings");
	*n = json_array_size(v);
	*out = salloc(k->c, *n * sizeof(**out));
	if (!*out)
		return k->c->err->code;
	for (size_t i = 0; i < *n; i++) {
		json_t *s = json_array_get(v, i);
		if (!json_is_string(s))
			return bad(k->c, path, kw,
				   "expected an array of strings");
		(*out)[i] = (struct vname){json_string_value(s),
					   json_string_length(s)};
		for (size_t j = 0; j < i; j++)
			if ((*out)[j].len == (*out)[i].len &&
			    !memcmp((*out)[j].name, (*out)[i].name,
				    (*out)[i].len))
				return bad(k->c, path, kw,
					   "duplicate name '%s'",
					   (*out)[i].name);
	}
	return 0;
}

static int kw_required(struct kctx *k, json_t *v)
{
	k->n->has |= VH_REQUIRED;
	return get_names(k, k->n->path, "required", v, &k->n->required,
			 &k->n->n_required);
}

/* A hash table of names with room for n; mask gets its size - 1. */
static struct vprop *table_new(struct cctx *c, size_t n, uint32_t *mask)
{
	size_t cap = 4;
	while (cap < n * 2)
		cap *= 2;
	*mask = (uint32_t)(cap - 1);
	return salloc(c, cap * sizeof(struct vprop));
}

/* The slot of name: its own, or the empty one to fill. */
static struct vprop *table_slot(struct vprop *t, uint32_t mask,
				const char *name, size_t len)
{
	uint32_t h = q_vhash(name, len), i = h & mask;
	while (t[i].name && !(t[i].hash == h && t[i].len == len &&
			      !memcmp(t[i].name, name, len)))
		i = (i + 1) & mask;
	t[i].hash = h;
	return &t[i];
}

static int kw_properties(struct kctx *k, json_t *v)
{
	struct vnode *n = k->n;
	const char *pp;
	if (!json_is_object(v))
		return bad(k->c, n->path, "properties", "expected an object");
	k->plist = q_arena_alloc(&k->c->tmp, json_object_size(v) *
						     sizeof(*k->plist) + 1);
	if (!k->plist || !(pp = join_kw(k->c, n->path, "properties")))
		return oom(k->c);
	for (void *it = json_object_iter(v); it;
	     it = json_object_iter_next(v, it)) {
		const char *key = json_object_iter_key(it);
		size_t len = json_object_iter_key_len(it);
		struct vprop *p = &k->plist[k->n_plist++];
		*p = (struct vprop){.name = key, .len = len};
		p->node = sub(k, json_object_iter_value(it),
			      join(k->c, pp, key, len));
		if (!p->node)
			return k->c->err->code;
	}
	n->has |= VH_MEMBERS;
	return 0;
}

/*
 * The name hash of a node that walks its members: "properties" and,
 * when there are few enough to count in a word, the required names.
 */
static int finish_members(struct kctx *k)
{
	struct vnode *n = k->n;
	size_t req = n->n_required <= 64 ? n->n_required : 0;
	if (!(n->has & VH_MEMBERS) || !(k->n_plist + req))
		return 0;
	n->props = table_new(k->c, k->n_plist + req, &n->props_mask);
	if (!n->props)
		return k->c->err->code;
	for (size_t i = 0; i < k->n_plist; i++) {
		struct vprop *p = &k->plist[i];
		struct vprop *s = table_slot(n->props, n->props_mask, p->name,
					     p->len);
		s->name = p->name;
		s->len = p->len;
		s->node = p->node;
	}
	for (size_t i = 0; i < req; i++) {
		struct vprop *s = table_slot(n->props, n->props_mask,
					     n->required[i].name,
					     n->required[i].len);
		s->name = n->required[i].name;
		s->len = n->required[i].len;
		s->req = (unsigned)i + 1;
		n->req_all |= (uint64_t)1 << i;
	}
	return 0;
}

static int kw_pattern_properties(struct kctx *k, json_t *v)
{
	struct vnode *n = k->n;
	const char *key, *pp;
	json_t *s;
	if (!json_is_object(v))
		return bad(k->c, n->path, "patternProperties",
			   "expected an object");
	n->patterns = salloc(k->c, json_object_size(v) * sizeof(*n->patterns));
	if (!n->patterns || !(pp = join_kw(k->c, n->path, "patternProperties")))
		return k->c->err->code;
	json_object_foreach(v, key, s) {
		struct vpattern *p = &n->patterns[n->n_patterns++];
		const char *path = join(k->c, pp, key, strlen(key));
		if (!path || get_regex(k, path, NULL, key, strlen(key), &p->re))
			return k->c->err->code;
		if (!(p->node = sub(k, s, path)))
			return k->c->err->code;
	}
	n->has |= VH_MEMBERS;
	return 0;
}

/* Room for more entries in a dependency list (the keyword may repeat). */
static struct vdep *deps_grow(struct kctx *k, struct vdep **list, size_t *n,
			      size_t more)
{
	struct vdep *d = salloc(k->c, (*n + more) * sizeof(*d));
	if (!d)
		return NULL;
	if (*n)
		memcpy(d, *list, *n * sizeof(*d));
	*list = d;
	return d + *n;
}

static int dep_required(struct kctx *k, const char *path, const char *key,
			json_t *s)
{
	struct vnode *n = k->n;
	struct vdep *d = deps_grow(k, &n->dep_required, &n->n_dep_required, 1);
	if (!d)
		return k->c->err->code;
	n->n_dep_required++;
	d->key = (struct vname){key, strlen(key)};
	n->has |= VH_DEPREQ;
	return get_names(k, path, key, s, &d->names, &d->n_names);
}

static int dep_schema(struct kctx *k, const char *path, const char *key,
		      json_t *s)
{
	struct vnode *n = k->n;
	struct vdep *d = deps_grow(k, &n->dep_schemas, &n->n_dep_schemas, 1);
	if (!d)
		return k->c->err->code;
	n->n_dep_schemas++;
	d->key = (struct vname){key, strlen(key)};
	n->has |= VH_DEPSCHEMAS;
	d->node = sub(k, s, join(k->c, path, key, strlen(key)));
	return d->node ? 0 : k->c->err->code;
}

/*
 * dependentRequired, dependentSchemas, and draft 7's "dependencies" that
 * holds either kind (kept for the schemas written before the split).
 */
static int kw_dependencies(struct kctx *k, const char *kw, json_t *v)
{
	const char *key, *dp;
	json_t *s;
	if (!json_is_object(v))
		return bad(k->c, k->n->path, kw, "expected an object");
	if (!(dp = join_kw(k->c, k->n->path, kw)))
		return k->c->err->code;
	json_object_foreach(v, key, s) {
		int names = !strcmp(kw, "dependentRequired") ||
			    (!strcmp(kw, "dependencies") && json_is_array(s));
		if (names ? dep_required(k, dp, key, s)
			  : dep_schema(k, dp, key, s))
			return k->c->err->code;
	}
	return 0;
}

static int kw_defs(struct kctx *k, json_t *v)
{
	const char *key, *dp;
	json_t *s;
	if (!json_is_object(v))
		return bad(k->c, k->n->path, "$defs", "expected an object");
	if (!(dp = join_kw(k->c, k->n->path, "$defs")))
		return k->c->err->code;
	/* Compiled for their errors; references reach them through the memo. */
	json_object_foreach(v, key, s)
		if (!sub(k, s, join(k->c, dp, key, strlen(key))))
			return k->c->err->code;
	return 0;
}

/* One keyword: the table below maps its name to where its value goes. */
static int kw_single(struct kctx *k, const char *kw, json_t *v)
{
	struct vnode *n = k->n, *s = sub_kw(k, kw, v);
	if (!s)
		return k->c->err->code;
	if (!strcmp(kw, "additionalProperties")) {
		n->additional = s;
		n->has |= VH_MEMBERS;
	} else if (!strcmp(kw, "propertyNames")) {
		n->property_names = s;
		n->has |= VH_MEMBERS;
	} else if (!strcmp(kw, "unevaluatedProperties")) {
		n->uneval_props = s;
		n->has |= VH_UNEVAL_PROPS;
	} else if (!strcmp(kw, "items")) {
		n->items = s;
		n->has |= VH_ITEMS;
	} else if (!strcmp(kw, "contains")) {
		n->contains = s;
		n->has |= VH_ITEMS;
	} else if (!strcmp(kw, "unevaluatedItems")) {
		n->uneval_items = s;
		n->has |= VH_UNEVAL_ITEMS;
	} else if (!strcmp(kw, "not")) {
		n->not_node = s;
		n->has |= VH_INPLACE;
	} else if (!strcmp(kw, "if")) {
		n->if_node = s;
		n->has |= VH_INPLACE;
	} else if (!strcmp(kw, "then")) {
		n->then_node = s;
	} else if (!strcmp(kw, "else")) {
		n->else_node = s;
	}
	return 0;
}

static int kw_list(struct kctx *k, const char *kw, json_t *v)
{
	struct vnode *n = k->n;
	n->has |= strcmp(kw, "prefixItems") ? VH_INPLACE : VH_ITEMS;
	if (!strcmp(kw, "allOf"))
		return sub_list(k, kw, v, &n->all_of, &n->n_all);
	if (!strcmp(kw, "anyOf"))
		return sub_list(k, kw, v, &n->any_of, &n->n_any);
	if (!strcmp(kw, "oneOf"))
		return sub_list(k, kw, v, &n->one_of, &n->n_one);
	return sub_list(k, kw, v, &n->prefix, &n->n_prefix);
}

static int kw_number(struct kctx *k, const char *kw, json_t *v)
{
	struct vnode *n = k->n;
	if (!strcmp(kw, "minimum")) {
		n->has |= VH_MINIMUM;
		return get_num(k, kw, v, &n->minimum);
	}
	if (!strcmp(kw, "maximum")) {
		n->has |= VH_MAXIMUM;
		return get_num(k, kw, v, &n->maximum);
	}
	if (!strcmp(kw, "exclusiveMinimum")) {
		n->has |= VH_XMINIMUM;
		return get_num(k, kw, v, &n->xminimum);
	}
	if (!strcmp(kw, "exclusiveMaximum")) {
		n->has |= VH_XMAXIMUM;
		return get_num(k, kw, v, &n->xmaximum);
	}
	n->has |= VH_MULTIPLE;
	if (get_num(k, kw, v, &n->multiple))
		return k->c->err->code;
	if (n->multiple.d <= 0)
		return bad(k->c, n->path, kw, "expected a number above 0");
	q_validate_decimal(v, &n->multiple_dec);
	return 0;
}

static int kw_count(struct kctx *k, const char *kw, json_t *v)
{
	static const struct {
		const char *kw;
		size_t off;
		unsigned bit;
	} counts[] = {
		{"minLength", offsetof(struct vnode, min_length), VH_MINLENGTH},
		{"maxLength", offsetof(struct vnode, max_length), VH_MAXLENGTH},
		{"minItems", offsetof(struct vnode, min_items), VH_MINITEMS},
		{"maxItems", offsetof(struct vnode, max_items), VH_MAXITEMS},
		{"minProperties", offsetof(struct vnode, min_props),
		 VH_MINPROPS},
		{"maxProperties", offsetof(struct vnode, max_props),
		 VH_MAXPROPS},
		{"minContains", offsetof(struct vnode, min_contains), 0},
		{"maxContains", offsetof(struct vnode, max_contains), 0},
	};
	for (size_t i = 0; i < COUNT(counts); i++) {
		if (strcmp(kw, counts[i].kw))
			continue;
		k->n->has |= counts[i].bit;
		if (!strcmp(kw, "minContains"))
			k->n->has_min_contains = 1;
		if (!strcmp(kw, "maxContains"))
			k->n->has_max_contains = 1;
		return get_count(k, kw, v,
				 (size_t *)((char *)k->n + counts[i].off));
	}
	return 0;
}

/* The strings of an enum, hashed: a string instance needs one lookup. */
static int enum_strings(struct kctx *k, json_t *v)
{
	size_t i, n = 0;
	json_t *e;
	json_array_foreach(v, i, e)
		n += json_is_string(e);
	if (!n)
		return 0;
	k->n->enum_strs = table_new(k->c, n, &k->n->enum_mask);
	if (!k->n->enum_strs)
		return k->c->err->code;
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			continue;
		struct vprop *s = table_slot(k->n->enum_strs, k->n->enum_mask,
					     json_string_value(e),
					     json_string_length(e));
		s->name = json_string_value(e);
		s->len = json_string_length(e);
	}
	return 0;
}

static int kw_other(struct kctx *k, const char *kw, json_t *v)
{
	struct vnode *n = k->n;
	if (!strcmp(kw, "enum")) {
		if (!json_is_array(v))
			return bad(k->c, n->path, kw, "expected an array");
		n->enum_vals = v;
		n->has |= VH_ENUM;
		return enum_strings(k, v);
	} else if (!strcmp(kw, "const")) {
		n->const_val = v;
		n->has |= VH_CONST;
	} else if (!strcmp(kw, "uniqueItems")) {
		if (!json_is_boolean(v))
			return bad(k->c, n->path, kw, "expected a boolean");
		if (json_is_true(v))
			n->has |= VH_UNIQUE;
	}
	return 0;
}

static const struct keyword {
	const char *name;
	int (*fn)(struct kctx *k, json_t *v);
	int (*named)(struct kctx *k, const char *kw, json_t *v);
} keywords[] = {
	{"$ref", kw_ref, NULL},
	{"$dynamicRef", kw_dynamic_ref, NULL},
	{"$defs", kw_defs, NULL},
	{"type", kw_type, NULL},
	{"enum", NULL, kw_other},
	{"const", NULL, kw_other},
	{"uniqueItems", NULL, kw_other},
	{"pattern", kw_pattern, NULL},
	{"format", kw_format, NULL},
	{"required", kw_required, NULL},
	{"properties", kw_properties, NULL},
	{"patternProperties", kw_pattern_properties, NULL},
	{"dependentRequired", NULL, kw_dependencies},
	{"dependentSchemas", NULL, kw_dependencies},
	{"dependencies", NULL, kw_dependencies},
	{"additionalProperties", NULL, kw_single},
	{"propertyNames", NULL, kw_single},
	{"unevaluatedProperties", NULL, kw_single},
	{"items", NULL, kw_single},
	{"contains", NULL, kw_single},
	{"unevaluatedItems", NULL, kw_single},
	{"not", NULL, kw_single},
	{"if", NULL, kw_single},
	{"then", NULL, kw_single},
	{"else", NULL, kw_single},
	{"allOf", NULL, kw_list},
	{"anyOf", NULL, kw_list},
	{"oneOf", NULL, kw_list},
	{"prefixItems", NULL, kw_list},
	{"minimum", NULL, kw_number},
	{"maximum", NULL, kw_number},
	{"exclusiveMinimum", NULL, kw_number},
	{"exclusiveMaximum", NULL, kw_number},
	{"multipleOf", NULL, kw_number},
	{"minLength", NULL, kw_count},
	{"maxLength", NULL, kw_count},
	{"minItems", NULL, kw_count},
	{"maxItems", NULL, kw_count},
	{"minProperties", NULL, kw_count},
	{"maxProperties", NULL, kw_count},
	{"minContains", NULL, kw_count},
	{"maxContains", NULL, kw_count},
};

static int compile_keyword(struct kctx *k, const char *kw, json_t *v)
{
	for (size_t i = 0; i < COUNT(keywords); i++) {
		if (strcmp(kw, keywords[i].name))
			continue;
		return keywords[i].fn ? keywords[i].fn(k, v)
				      : keywords[i].named(k, kw, v);
	}
	return 0; /* unknown keywords are annotations */
}

/* ---- nodes ----------------------------------------------------------- */

static struct vnode *compile_bool(struct cctx *c, json_t *j, const char *path,
				  struct vres *res)
{
	struct vnode *n = salloc(c, sizeof(*n));
	if (!n)
		return NULL;
	n->boolean = json_is_true(j) ? VB_TRUE : VB_FALSE;
	n->path = path;
	n->res = res;
	return n;
}

static struct vnode *compile(struct cctx *c, json_t *j, const char *base,
			     const char *path, struct vres *res)
{
	if (!path)
		return NULL;
	if (json_is_boolean(j))
		return compile_bool(c, j, path, res);
	if (!json_is_object(j)) {
		bad(c, path, NULL, "expected an object or a boolean");
		return NULL;
	}
	struct vnode *n = pmap_get(&c->nodes, j);
	if (n)
		return n;
	const struct dinfo *d = pmap_get(&c->info, j);
	if (d) {
		base = d->base;
		path = d->path;
		res = d->res;
	} else if (json_is_string(json_object_get(j, "$id"))) {
		/* Below an unknown keyword: an $id still moves the base. */
		base = uri_resolve(c, base, json_string_value(
						    json_object_get(j, "$id")));
		if (!base)
			return NULL;
	}
	if (!(n = salloc(c, sizeof(*n))) || pmap_put(c, &c->nodes, j, n))
		return NULL;
	n->path = path;
	n->res = res;
	struct kctx k = {c, n, j, base, res, NULL, 0};
	const char *kw;
	json_t *v;
	json_object_foreach(j, kw, v)
		if (compile_keyword(&k, kw, v))
			return NULL;
	return finish_members(&k) ? NULL : n;
}

/* Nodes that only $dynamicRef reaches, found through the resources. */
static int compile_dynamic_anchors(struct cctx *c)
{
	for (size_t i = 0; i < c->n_res; i++) {
		struct vres *r = c->res[i];
		for (size_t a = 0; a < r->n_anchors; a++) {
			struct vanchor *an = &r->anchors[a];
			if (!an->dynamic || an->node)
				continue;
			an->node = compile(c, an->json, r->uri, r->path, r);
			if (!an->node)
				return c->err->code;
		}
	}
	return 0;
}

int q_schema_compile_with(json_t *doc, const struct q_schema_doc *docs,
			  size_t ndocs, struct q_schema **out,
			  struct q_error *err)
{
	struct cctx c = {.err = err, .docs = docs, .n_docs = ndocs};
	struct q_error local;
	*out = NULL;
	if (!err) {
		q_error_init(&local);
		c.err = err = &local;
	}
	if (!(c.s = calloc(1, sizeof(*c.s))))
		return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	q_arena_init(&c.s->arena);
	q_arena_init(&c.tmp);
	c.s->doc = json_incref(doc);
	c.loaded = ndocs ? q_arena_alloc(&c.tmp, ndocs) : NULL;
	struct vres *root = NULL;
	if (ndocs && !c.loaded)
		oom(&c);
	else
		root = add_document(&c, doc, "", "");
	if (root)
		c.s->root = compile(&c, doc, "", "", root);
	if (c.s->root)
		compile_dynamic_anchors(&c);
	q_arena_release(&c.tmp);
	if (err->code || !c.s->root) {
		q_schema_free(c.s);
		return err->code ? err->code : Q_EINVALID;
	}
	*out = c.s;
	return 0;
}

int q_schema_compile(json_t *doc, struct q_schema **out, struct q_error *err)
{
	return q_schema_compile_with(doc, NULL, 0, out, err);
}

void q_schema_free(struct q_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_codes; i++)
		pcre2_code_free(s->codes[i]);
	free(s->codes);
	for (size_t i = 0; i < s->n_held; i++)
		json_decref(s->held[i]);
	pcre2_match_data_free(atomic_load(&s->spare));
	json_decref(s->doc);
	q_arena_release(&s->arena);
	free(s);
}
