/*
 * private.h — what the files of validate/ share and nobody else sees:
 * the compiled node, the regex and format helpers.
 *
 * A node is one subschema with its keywords parsed.  `has` says which
 * keywords are present, so that validation tests one bit per keyword
 * group instead of walking the schema's JSON.
 */
#ifndef Q_VALIDATE_PRIVATE_H
#define Q_VALIDATE_PRIVATE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "validate/validate.h"

/* Type bits, for "type" and for the type of an instance. */
enum {
	VT_NULL = 1u << 0,
	VT_BOOLEAN = 1u << 1,
	VT_OBJECT = 1u << 2,
	VT_ARRAY = 1u << 3,
	VT_NUMBER = 1u << 4,
	VT_STRING = 1u << 5,
	VT_INTEGER = 1u << 6,
};

/* Keywords present in a node. */
enum {
	VH_TYPE = 1u << 0,
	VH_CONST = 1u << 1,
	VH_ENUM = 1u << 2,
	VH_MINIMUM = 1u << 3,
	VH_MAXIMUM = 1u << 4,
	VH_XMINIMUM = 1u << 5,
	VH_XMAXIMUM = 1u << 6,
	VH_MULTIPLE = 1u << 7,
	VH_MINLENGTH = 1u << 8,
	VH_MAXLENGTH = 1u << 9,
	VH_PATTERN = 1u << 10,
	VH_FORMAT = 1u << 11,
	VH_MINITEMS = 1u << 12,
	VH_MAXITEMS = 1u << 13,
	VH_UNIQUE = 1u << 14,
	VH_MINPROPS = 1u << 15,
	VH_MAXPROPS = 1u << 16,
	VH_REQUIRED = 1u << 17,
	VH_DEPREQ = 1u << 18,
	VH_DEPSCHEMAS = 1u << 19,
	VH_MEMBERS = 1u << 20, /* a keyword that walks the members */
	VH_ITEMS = 1u << 21,   /* prefixItems, items or contains */
	VH_INPLACE = 1u << 22, /* $ref, allOf, anyOf, oneOf, not, if */
	VH_UNEVAL_PROPS = 1u << 23,
	VH_UNEVAL_ITEMS = 1u << 24,
};

#define VH_NUMBER (VH_MINIMUM | VH_MAXIMUM | VH_XMINIMUM | VH_XMAXIMUM | \
		   VH_MULTIPLE)
#define VH_STRING (VH_MINLENGTH | VH_MAXLENGTH | VH_PATTERN | VH_FORMAT)
#define VH_ARRAY (VH_MINITEMS | VH_MAXITEMS | VH_UNIQUE | VH_ITEMS | \
		  VH_UNEVAL_ITEMS)
#define VH_OBJECT (VH_MINPROPS | VH_MAXPROPS | VH_REQUIRED | VH_DEPREQ | \
		   VH_DEPSCHEMAS | VH_MEMBERS | VH_UNEVAL_PROPS)

enum vbool { VB_NONE, VB_TRUE, VB_FALSE };

/* A bound of minimum & co: exact for integers, double otherwise. */
struct vnum {
	int is_int;
	json_int_t i;
	double d;
};

/* A number as digits × 10^exp, for exact multipleOf on decimals. */
struct vdec {
	uint64_t digits;
	int exp;
};

struct vregex {
	pcre2_code *code;
	const char *source;
};

/*
 * A slot of a name hash (properties, string enums); name == NULL when
 * empty.  req is the 1-based index of the name in "required", so that the
 * walk over an object's members also counts its required ones.
 */
struct vprop {
	const char *name;
	size_t len;
	uint32_t hash;
	unsigned req;
	struct vnode *node;
};

struct vpattern {
	struct vregex re;
	struct vnode *node;
};

struct vname {
	const char *name;
	size_t len;
};

/* dependentRequired (names) or dependentSchemas (node) of one property. */
struct vdep {
	struct vname key;
	struct vname *names;
	size_t n_names;
	struct vnode *node;
};

struct vanchor {
	const char *name;
	json_t *json;
	struct vnode *node;
	int dynamic;
};

/* A schema resource: a document root or a subschema with $id. */
struct vres {
	const char *uri;
	json_t *root;
	const char *path;
	struct vanchor *anchors;
	size_t n_anchors;
	size_t cap_anchors;
};

struct vnode {
	unsigned has;
	unsigned char boolean; /* enum vbool */
	unsigned types;
	const char *path;      /* location in the schema, a JSON Pointer */
	const char *type_text; /* "string or null", for messages */
	const struct vres *res;

	json_t *const_val;
	json_t *enum_vals;

	struct vnode *ref;
	struct vnode *dynref;
	const char *dyn_name; /* non-NULL when $dynamicRef is dynamic */
	struct vnode **all_of, **any_of, **one_of;
	size_t n_all, n_any, n_one;
	struct vnode *not_node, *if_node, *then_node, *else_node;

	struct vnum minimum, maximum, xminimum, xmaximum;
	struct vnum multiple;
	struct vdec multiple_dec;

	size_t min_length, max_length;
	struct vregex pattern;
	int format;
	const char *format_name;

	struct vnode **prefix;
	size_t n_prefix;
	struct vnode *items, *contains, *uneval_items;
	size_t min_items, max_items, min_contains, max_contains;
	int has_min_contains, has_max_contains;

	struct vprop *props; /* hash of mask + 1 slots: properties, required */
	uint32_t props_mask;
	uint64_t req_all;    /* the req bits of all required names, or 0 */
	struct vprop *enum_strs; /* the strings of enum, hashed */
	uint32_t enum_mask;
	struct vpattern *patterns;
	size_t n_patterns;
	struct vnode *additional, *property_names, *uneval_props;
	size_t min_props, max_props;
	struct vname *required;
	size_t n_required;
	struct vdep *dep_required, *dep_schemas;
	size_t n_dep_required, n_dep_schemas;
};

struct q_schema {
	struct q_arena arena;
	json_t *doc;
	json_t **held; /* registry documents the schema uses */
	size_t n_held, cap_held;
	struct vnode *root;
	pcre2_code **codes;
	size_t n_codes, cap_codes;
	_Atomic(pcre2_match_data *) spare; /* reused by one validation */
};

/*
 * The hash of property names: a word at a time, since member names are
 * short and hashed once per member of every object validated.
 */
static inline uint32_t q_vhash(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len, w;
	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	for (size_t i = 0; i < len; i++)
		w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return (uint32_t)(h ^ (h >> 29));
}

/* Formats known to q_format_check, by number. */
enum vformat {
	VF_UNKNOWN = 0,
	VF_DATE,
	VF_DATE_TIME,
	VF_TIME,
	VF_DURATION,
	VF_EMAIL,
	VF_HOSTNAME,
	VF_IPV4,
	VF_IPV6,
	VF_URI,
	VF_URI_REFERENCE,
	VF_UUID,
	VF_REGEX,
	VF_JSON_POINTER,
	VF_RELATIVE_JSON_POINTER,
	VF_IRI,
	VF_IRI_REFERENCE,
};

/* |v| as digits × 10^exp (compile.c). */
void q_validate_decimal(json_t *v, struct vdec *out);

int q_format_lookup(const char *name);
int q_format_check_id(int format, const char *s, size_t len);

/*
 * Translates an ECMA-262 regex to PCRE2 syntax and compiles it.  Returns
 * the code, or NULL with a message in msg.
 */
pcre2_code *q_regex_compile(const char *src, size_t len, char *msg,
			    size_t msg_size);

#endif
