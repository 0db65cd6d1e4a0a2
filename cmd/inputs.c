/*
 * inputs.c — the INPUT arguments of `quarry export` as one sorted list of
 * files, each with its path relative to one root.
 *
 * The relative path is what stays the same from run to run wherever the
 * tree is mounted: it keys the manifest, names the outputs and becomes
 * the document's source.name.  Folders are read in name order, so the
 * list never depends on the order a file system happens to return.
 */
#include "cmd/export.h"
#include "extract/extract.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Folders nested deeper than this are refused (a loop, or a mistake). */
#define MAX_WALK_DEPTH 256

struct arg {
	char *shown; /* as given */
	char *abs;   /* absolute: the folder itself, or the file in its real folder */
	int is_dir;
};

struct collector {
	struct q_inputs *in;
	const struct q_cmdline *cl;
	struct stat *skip;
	size_t nskip;
	struct arg *args;
	size_t nargs, cap;
	struct q_error *err;
};

static int oom(struct q_error *err)
{
	return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int slash = la > 0 && a[la - 1] == '/';
	char *s = malloc(la + lb + 2);
	if (s)
		snprintf(s, la + lb + 2, "%s%s%s", a, slash ? "" : "/", b);
	return s;
}

/* realpath() with "/" written as "" so that root + "/" + rel holds. */
static char *real_folder(const char *path)
{
	char *r = realpath(path, NULL);
	if (r && strcmp(r, "/") == 0)
		r[0] = '\0';
	return r;
}

static int add_arg(struct collector *c, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return q_error_msg(c->err, Q_ENOINPUT, path, "cannot open: %s", strerror(errno));
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return q_error_msg(c->err, Q_ENOINPUT, path, "is neither a file nor a folder");
	if (c->nargs == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct arg *a = realloc(c->args, cap * sizeof(*a));
		if (!a)
			return oom(c->err);
		c->args = a;
		c->cap = cap;
	}
	struct arg *a = &c->args[c->nargs];
	a->is_dir = S_ISDIR(st.st_mode);
	a->shown = strdup(path);
	if (a->is_dir) {
		a->abs = real_folder(path);
	} else {
		/* The file keeps its own name: a symbolic link is an input of
		 * its own, wherever it points. */
		char *d = strdup(path), *b = strdup(path);
		char *folder = d ? real_folder(dirname(d)) : NULL;
		a->abs = folder && b ? join(folder, basename(b)) : NULL;
		free(folder);
		free(d);
		free(b);
	}
	if (!a->shown || !a->abs) {
		free(a->shown);
		free(a->abs);
		return a->shown ? q_error_msg(c->err, Q_ENOINPUT, path, "cannot resolve: %s",
					      strerror(errno))
				: oom(c->err);
	}
	c->nargs++;
	return 0;
}

/* One path a line ("\r\n" too); empty lines are skipped. */
static int add_list(struct collector *c, const char *listfile)
{
	struct q_buf b;
	q_buf_init(&b, 0);
	int rc = q_read_file(listfile, Q_MAX_INPUT_LIMIT, &b, c->err);
	for (size_t i = 0; !rc && i < b.len;) {
		size_t n = strcspn(b.data + i, "\n");
		size_t end = i + n;
		if (n && b.data[end - 1] == '\r')
			n--;
		if (n) {
			b.data[i + n] = '\0';
			rc = add_arg(c, b.data + i);
		}
		i = end + 1;
	}
	q_buf_release(&b);
	return rc;
}

static int skipped(const struct collector *c, const struct stat *st)
{
	for (size_t i = 0; i < c->nskip; i++)
		if (c->skip[i].st_dev == st->st_dev && c->skip[i].st_ino == st->st_ino)
			return 1;
	return 0;
}

static int matches(const char *glob, const char *rel)
{
	const char *name = strrchr(rel, '/');
	name = name ? name + 1 : rel;
	return fnmatch(glob, strchr(glob, '/') ? rel : name, 0) == 0;
}

static int wanted(const struct collector *c, const char *rel)
{
	int ok = c->cl->ninclude == 0;
	for (int i = 0; i < c->cl->ninclude && !ok; i++)
		ok = matches(c->cl->include[i], rel);
	for (int i = 0; i < c->cl->nexclude && ok; i++)
		ok = !matches(c->cl->exclude[i], rel);
	return ok;
}

/* Takes ownership of shown. */
static int add_file(struct collector *c, char *shown, const char *abs)
{
	struct q_inputs *in = c->in;
	size_t rl = strlen(in->root);
	const char *rel = abs + rl + (abs[rl] == '/');
	if (!wanted(c, rel)) {
		free(shown);
		return 0;
	}
	if (in->count == in->cap) {
		size_t cap = in->cap ? 2 * in->cap : 64;
		struct q_input *items = realloc(in->items, cap * sizeof(*items));
		if (!items) {
			free(shown);
			return oom(c->err);
		}
		in->items = items;
		in->cap = cap;
	}
	struct q_input *it = &in->items[in->count];
	it->path = shown;
	it->rel = strdup(rel);
	if (!it->rel) {
		free(shown);
		return oom(c->err);
	}
	in->count++;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(struct collector *c, const char *shown, const char *abs, int depth)
{
	if (depth > MAX_WALK_DEPTH)
		return q_error_msg(c->err, Q_ENOINPUT, shown, "folders nested deeper than %d",
				   MAX_WALK_DEPTH);
	DIR *d = opendir(shown);
	if (!d)
		return q_error_msg(c->err, Q_ENOINPUT, shown, "cannot read the folder: %s",
				   strerror(errno));
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	struct dirent *e;
	errno = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.') /* ., .., and hidden files and folders */
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			char **nn = realloc(names, cap * sizeof(*nn));
			if (!nn) {
				rc = oom(c->err);
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(e->d_name))) {
			rc = oom(c->err);
			break;
		}
		n++;
	}
	if (!rc && errno)
		rc = q_error_msg(c->err, Q_EIO, shown, "cannot read the folder: %s", strerror(errno));
	closedir(d);
	if (!rc && n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n && !rc; i++) {
		char *cs = join(shown, names[i]), *ca = join(abs, names[i]);
		struct stat st;
		if (!cs || !ca) {
			rc = oom(c->err);
		} else if (lstat(cs, &st) != 0) {
			/* Gone since the folder was read: it is not an input now. */
		} else if (S_ISLNK(st.st_mode)) {
			/* Links to files are inputs; links to folders are not
			 * followed (no loops, no trees counted twice). */
			if (stat(cs, &st) == 0 && S_ISREG(st.st_mode)) {
				rc = add_file(c, cs, ca);
				cs = NULL;
			}
		} else if (S_ISDIR(st.st_mode)) {
			if (!skipped(c, &st))
				rc = walk(c, cs, ca, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			rc = add_file(c, cs, ca);
			cs = NULL;
		}
		free(cs);
		free(ca);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* Length of the longest common prefix of a and b that ends a folder name. */
static size_t common_folder(const char *a, const char *b)
{
	size_t i = 0, last = 0;
	for (; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			last = i;
	if ((a[i] == '\0' || a[i] == '/') && (b[i] == '\0' || b[i] == '/'))
		last = i;
	return last;
}

static int holds(const char *root, const char *path)
{
	size_t n = strlen(root);
	return strncmp(root, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static int cmp_inputs(const void *a, const void *b)
{
	const struct q_input *x = a, *y = b;
	int c = strcmp(x->rel, y->rel);
	return c ? c : strcmp(x->path, y->path);
}

int q_inputs_collect(struct q_inputs *in, const struct q_cmdline *cl,
		     const char *const *skip, size_t nskip, const char *prefer,
		     struct q_error *err)
{
	struct collector c = {in, cl, NULL, 0, NULL, 0, 0, err};
	int rc = 0, stdin_read = 0;
	memset(in, 0, sizeof(*in));
	c.skip = calloc(nskip + 1, sizeof(*c.skip));
	if (!c.skip)
		return oom(err);
	for (size_t i = 0; i < nskip; i++)
		if (skip[i] && stat(skip[i], &c.skip[c.nskip]) == 0)
			c.nskip++;
	for (int i = 0; i < cl->nargs && !rc; i++) {
		const char *a = cl->args[i];
		if (strcmp(a, "-") == 0) {
			if (!stdin_read++)
				rc = add_list(&c, "-");
		} else if (a[0] == '@' && a[1]) {
			rc = add_list(&c, a + 1);
		} else {
			rc = add_arg(&c, a);
		}
	}
	/* The root: the deepest folder holding every argument. */
	if (!rc) {
		char *root = NULL;
		size_t len = 0;
		for (size_t i = 0; i < c.nargs; i++) {
			const char *a = c.args[i].abs;
			size_t n = c.args[i].is_dir ? strlen(a) : (size_t)(strrchr(a, '/') - a);
			if (!root) {
				root = c.args[i].abs;
				len = n;
			} else {
				size_t k = common_folder(root, a);
				len = k < len ? k : len;
				len = len < n ? len : n;
			}
		}
		in->root = strndup(root ? root : "", len);
		if (!in->root)
			rc = oom(err);
		int all_under = prefer != NULL;
		for (size_t i = 0; i < c.nargs && all_under; i++)
			all_under = holds(prefer, c.args[i].abs);
		if (!rc && all_under) {
			free(in->root);
			if (!(in->root = strdup(prefer)))
				rc = oom(err);
		}
	}
	for (size_t i = 0; i < c.nargs && !rc; i++) {
		if (c.args[i].is_dir) {
			rc = walk(&c, c.args[i].shown, c.args[i].abs, 0);
		} else {
			char *s = strdup(c.args[i].shown);
			rc = s ? add_file(&c, s, c.args[i].abs) : oom(err);
		}
	}
	for (size_t i = 0; i < c.nargs; i++) {
		free(c.args[i].shown);
		free(c.args[i].abs);
	}
	free(c.args);
	free(c.skip);
	if (rc)
		return rc;
	if (in->count > 1) {
		qsort(in->items, in->count, sizeof(*in->items), cmp_inputs);
		size_t k = 1;
		for (size_t i = 1; i < in->count; i++) {
			if (strcmp(in->items[i].rel, in->items[k - 1].rel) == 0) {
				free(in->items[i].path);
				free(in->items[i].rel);
			} else {
				in->items[k++] = in->items[i];
			}
		}
		in->count = k;
	}
	return 0;
}

void q_inputs_release(struct q_inputs *in)
{
	for (size_t i = 0; i < in->count; i++) {
		free(in->items[i].path);
		free(in->items[i].rel);
	}
	free(in->items);
	free(in->root);
	memset(in, 0, sizeof(*in));
}
