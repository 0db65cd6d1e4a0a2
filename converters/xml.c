/*
 * xml.c — XML through libxml2: three mappings behind one emit and one read.
 *
 *   quarry documents   the quarry vocabulary (urn:quarry:1), one element
 *                      per field, checked against schemas/quarry.xsd;
 *   any other JSON     the W3C XPath 3.1 json-to-xml vocabulary (<map>,
 *                      <array>, <string>, … in the fn namespace), lossless
 *                      for every JSON value — except canonical JsonML,
 *                      which is written as the XML it denotes;
 *   any other XML      read as JsonML: ["tag", {"attr": "v"}, "text", …].
 *
 * converters/README.md gives the mapping with examples and the reasons.
 *
 * Writing.  All three vocabularies are written straight into the output
 * buffer (no libxml2 tree): one pass, runs of plain bytes copied with one
 * memcpy.  A quarry document is then parsed once more, in a streaming
 * pass, to check it against the XSD; an XML the XSD refuses is a bug
 * (Q_EINTERNAL) unless the view itself was not a valid document — then
 * it is arbitrary data and goes out in the json-to-xml vocabulary, with a
 * warning.
 *
 * Reading.  libxml2 builds a tree (never with XML_PARSE_NOENT, which would
 * substitute external entities — XXE —, nor XML_PARSE_DTDLOAD/DTDVALID or
 * XML_PARSE_HUGE; no network, and an external entity loader that refuses
 * everything); the root's namespace picks the mapping.  Internal entities
 * stay references in the tree and are expanded here, against a budget on
 * top of libxml2's own amplification checks; external ones are never read.
 * libxml2 joins adjacent text into one node and refuses to grow one past
 * 10 MB without XML_PARSE_HUGE, so the characters callback starts a new
 * text node before that; the readers join them again.  A json-to-xml
 * <array> converted to JSON can instead stream element by element
 * (q_xml_items, xmlTextReader), mapped by the same functions.
 *
 * Errors and threads.  libxml2 2.9's error handlers are per thread; every
 * call installs its own structured handler for its duration (so nothing
 * is printed by libxml2 itself) and turns the first error into a
 * q_error.  The XSD is compiled once per process (pthread_once) from the
 * copy built into the binary and shared read-only by all threads.
 */
#include "converters/converters.h"
#include "schemas/schemas.h"
#include "validate/validate.h"

#include <libxml/SAX2.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * Internal entities may expand to at most this many bytes per byte of
 * input, plus Q_XML_EXPANSION_FLOOR (libxml2 refuses billion laughs
 * earlier; this bounds what the readers themselves copy).
 */
#define Q_XML_EXPANSION_FACTOR 10
#define Q_XML_EXPANSION_FLOOR (1u << 20)
/* Entities referring to entities, at most this deep. */
#define Q_XML_MAX_ENTITY_NESTING 64
/* A text node is split before it reaches libxml2's 10 MB limit. */
#define Q_XML_TEXT_SPLIT (4u << 20)
/*
 * What libxml2 reads without XML_PARSE_HUGE bounds canonical JsonML: an
 * attribute value, comment or processing instruction of at most 1 MB
 * (libxml2 stops at 10 MB of a value it stores with '&' as "&#38;"),
 * names as long as XML_MAX_NAME_LENGTH.  Longer ones go out as
 * json-to-xml, where they are text.
 */
#define Q_XML_MAX_VALUE 1000000u

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

/* ---- process-wide set-up ---------------------------------------------- */

/* The first error libxml2 reports during one call. */
struct capture {
	int have;
	int code; /* libxml2's xmlParserErrors */
	long line, column;
	char message[Q_ERROR_MESSAGE_MAX];
};

static void capture_error(void *ctx, xmlErrorPtr e)
{
	struct capture *c = ctx;
	/* A namespace name that is no URI by libxml2's parser is reported as
	 * an error, but Namespaces in XML only recommends URI references;
	 * the document is kept. */
	if (!c || !e || e->level < XML_ERR_ERROR || c->have || e->code == XML_WAR_NS_URI)
		return;
	c->have = 1;
	c->code = e->code;
	c->line = e->line;
	c->column = e->domain == XML_FROM_PARSER || e->domain == XML_FROM_NAMESPACE ? e->int2 : 0;
	snprintf(c->message, sizeof(c->message), "%s", e->message ? e->message : "unknown error");
	/* libxml2 ends its messages with a newline; one line is the rule here. */
	for (char *p = c->message; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = *(p + 1) ? ' ' : '\0';
}

static void ignore_generic(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

/* Routes libxml2's messages of this thread to a capture for one call. */
struct handlers {
	xmlStructuredErrorFunc serror;
	void *sctx;
	xmlGenericErrorFunc generic;
	void *gctx;
};

static void handlers_enter(struct handlers *h, struct capture *c)
{
	memset(c, 0, sizeof(*c));
	h->serror = xmlStructuredError;
	h->sctx = xmlStructuredErrorContext;
	h->generic = xmlGenericError;
	h->gctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(c, capture_error);
	xmlSetGenericErrorFunc(NULL, ignore_generic);
}

static void handlers_leave(struct handlers *h)
{
	xmlSetStructuredErrorFunc(h->sctx, h->serror);
	xmlSetGenericErrorFunc(h->gctx, h->generic);
}

static xmlParserInputPtr refuse_external(const char *url, const char *id,
					 xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static struct {
	pthread_once_t once;
	xmlSchemaPtr xsd;
	char why[Q_ERROR_MESSAGE_MAX];
} setup = {PTHREAD_ONCE_INIT, NULL, ""};

static void set_up(void)
{
	struct capture cap;
	struct handlers h;
	xmlInitParser();
	/* JSON nests up to Q_MAX_DEPTH; XML must carry that (libxml2: 256). */
	if (xmlParserMaxDepth < Q_MAX_DEPTH + 16)
		xmlParserMaxDepth = Q_MAX_DEPTH + 16;
	xmlSetExternalEntityLoader(refuse_external);
	const struct q_embedded *e = q_schema_find("quarry.xsd");
	if (!e) {
		snprintf(setup.why, sizeof(setup.why), "quarry.xsd is not built in");
		return;
	}
	handlers_enter(&h, &cap);
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(e->data, (int)e->size);
	if (pc) {
		xmlSchemaSetParserStructuredErrors(pc, capture_error, &cap);
		setup.xsd = xmlSchemaParse(pc);
		xmlSchemaFreeParserCtxt(pc);
	}
	handlers_leave(&h);
	if (!setup.xsd)
		snprintf(setup.why, sizeof(setup.why), "quarry.xsd does not compile: %.400s",
			 cap.have ? cap.message : "out of memory");
}

static xmlSchemaPtr quarry_xsd(struct q_error *err)
{
	pthread_once(&setup.once, set_up);
	if (!setup.xsd)
		q_error_msg(err, Q_EINTERNAL, NULL, "%s", setup.why);
	return setup.xsd;
}

/* The IR's JSON Schema, compiled on first need: it tells a bug in the
 * writer from a view that is not a valid document. */
static struct {
	pthread_once_t once;
	struct q_schema *schema;
	json_t *doc;
} ir_schema = {PTHREAD_ONCE_INIT, NULL, NULL};

static void compile_ir_schema(void)
{
	const struct q_embedded *e = q_schema_find("quarry.schema.json");
	struct q_error err;
	q_error_init(&err);
	if (!e || !(ir_schema.doc = json_loadb(e->data, e->size, 0, NULL)))
		return;
	if (q_schema_compile(ir_schema.doc, &ir_schema.schema, &err))
		ir_schema.schema = NULL;
}

/* 1 when view is a valid quarry document; -1 when that cannot be told. */
static int view_is_valid(json_t *view, char *why, size_t whylen)
{
	struct q_violations v;
	pthread_once(&ir_schema.once, compile_ir_schema);
	if (!ir_schema.schema)
		return -1;
	q_violations_init(&v, 1);
	int ok = q_schema_validate(ir_schema.schema, view, 0, &v);
	if (!ok && v.count)
		snprintf(why, whylen, "%s: %s", v.items[0].instance_path[0] ? v.items[0].instance_path : "/",
			 v.items[0].message);
	q_violations_release(&v);
	return ok;
}

/* ---- characters ------------------------------------------------------- */

/*
 * XML 1.0 cannot carry U+0000–U+0008, U+000B, U+000C, U+000E–U+001F,
 * U+FFFE and U+FFFF, not even as character references.  Returns the code
 * point of such a character at s[i] (setting *n to its length), or -1.
 */
static long unxml_at(const unsigned char *s, size_t len, size_t i, size_t *n)
{
	unsigned char c = s[i];
	if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
		*n = 1;
		return c;
	}
	if (c == 0xEF && i + 2 < len && s[i + 1] == 0xBF && (s[i + 2] == 0xBE || s[i + 2] == 0xBF)) {
		*n = 3;
		return s[i + 2] == 0xBE ? 0xFFFE : 0xFFFF;
	}
	return -1;
}

static int has_unxml(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n;
	for (size_t i = 0; i < len; i++)
		if ((u[i] < 0x20 || u[i] == 0xEF) && unxml_at(u, len, i, &n) >= 0)
			return 1;
	return 0;
}

/* Bytes the writers look at: the rest is copied in runs. */
static const unsigned char special[256] = {
	[0 ... 0x1F] = 1, ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\\'] = 1, [0xEF] = 1,
};

enum text_mode {
	IN_CONTENT, /* character data: an unxml character becomes <c u=…/> */
	IN_ATTR,    /* an attribute value between double quotes */
};

/*
 * Appends s as XML text.  With json, backslashes and the characters XML
 * cannot carry are written as JSON escapes (\\, \uXXXX) — the escaped
 * forms of the quarry and json-to-xml vocabularies; without it, such a
 * character becomes <c u="XXXX"/> in content (the quarry vocabulary) and
 * must not occur in attributes (callers check with has_unxml).
 */
static void put_text(struct q_buf *b, const char *s, size_t len, enum text_mode mode, int json)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)s;
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = u[i];
		size_t n = 1;
		long cp;
		if (!special[c])
			continue;
		switch (c) {
		case '&': cp = -2; break;
		case '<': cp = -3; break;
		case '>': cp = -4; break;
		case '"': if (mode != IN_ATTR) continue; cp = -5; break;
		case '\\': if (!json) continue; cp = -6; break;
		case '\r': cp = -7; break;
		case '\t': if (mode != IN_ATTR) continue; cp = -8; break;
		case '\n': if (mode != IN_ATTR) continue; cp = -9; break;
		default:
			cp = unxml_at(u, len, i, &n);
			if (cp < 0)
				continue;
		}
		q_buf_append(b, s + run, i - run);
		run = i + n;
		i += n - 1;
		switch (cp) {
		case -2: q_buf_append(b, "&amp;", 5); break;
		case -3: q_buf_append(b, "&lt;", 4); break;
		case -4: q_buf_append(b, "&gt;", 4); break;
		case -5: q_buf_append(b, "&quot;", 6); break;
		case -6: q_buf_append(b, "\\\\", 2); break;
		case -7: q_buf_append(b, "&#13;", 5); break;
		case -8: q_buf_append(b, "&#9;", 4); break;
		case -9: q_buf_append(b, "&#10;", 5); break;
		default: {
			char code[4] = {hex[(cp >> 12) & 15], hex[(cp >> 8) & 15], hex[(cp >> 4) & 15],
					hex[cp & 15]};
			if (json) {
				q_buf_append(b, "\\u", 2);
				q_buf_append(b, code, 4);
			} else {
				q_buf_append(b, "<c u=\"", 6);
				q_buf_append(b, code, 4);
				q_buf_append(b, "\"/>", 3);
			}
		}
		}
	}
	q_buf_append(b, s + run, len - run);
}

static void put_integer(struct q_buf *b, json_int_t v)
{
	char num[32];
	int n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, v);
	q_buf_append(b, num, (size_t)n);
}

/* Integers without '.' or exponent, reals always with one of them. */
static void put_number(struct q_buf *b, json_t *v)
{
	if (json_is_integer(v)) {
		put_integer(b, json_integer_value(v));
	} else {
		char num[32];
		q_buf_append(b, num, q_format_double(json_real_value(v), num));
	}
}

static void put_indent(struct q_buf *b, int pretty, int depth)
{
	static const char spaces[] = "                                ";
	if (!pretty)
		return;
	q_buf_putc(b, '\n');
	for (size_t n = (size_t)depth * 2; n > 0;) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		q_buf_append(b, spaces, k);
		n -= k;
	}
}

/* ---- XML names (XML 1.0 fifth edition, Namespaces in XML) ------------- */

static int name_start(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF) ||
	       (c >= 0x370 && c <= 0x37D) || (c >= 0x37F && c <= 0x1FFF) ||
	       (c >= 0x200C && c <= 0x200D) || (c >= 0x2070 && c <= 0x218F) ||
	       (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF) ||
	       (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFFD) ||
	       (c >= 0x10000 && c <= 0xEFFFF);
}

static int name_char(uint32_t c)
{
	return name_start(c) || c == '-' || c == '.' || (c >= '0' && c <= '9') || c == 0xB7 ||
	       (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
}

/* Whether s[0..len) is an NCName: a Name without ':'. */
static int is_ncname(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	if (len == 0 || len > XML_MAX_NAME_LENGTH)
		return 0;
	while (i < len) {
		uint32_t c;
		size_t n = q_utf8_decode(u + i, len - i, &c);
		if (n == 0 || !(i == 0 ? name_start(c) : name_char(c)))
			return 0;
		i += n;
	}
	return 1;
}

/* Whether s is a QName; *colon gets the prefix length (0 when none). */
static int is_qname(const char *s, size_t len, size_t *colon)
{
	const char *c = memchr(s, ':', len);
	*colon = 0;
	if (!c)
		return is_ncname(s, len);
	*colon = (size_t)(c - s);
	return is_ncname(s, *colon) && is_ncname(c + 1, len - *colon - 1);
}

#define XML_NS_URI "http://www.w3.org/XML/1998/namespace"
#define XMLNS_NS_URI "http://www.w3.org/2000/xmlns/"

/* ==== writing: the quarry vocabulary ==================================== */

/*
 * The vocabulary as a table: each record (an object of the view) is one
 * element, each field one attribute, the element's content or a child
 * element, in the view's key order.  The writer and the reader both walk
 * these tables, so they cannot disagree.
 */
enum field_kind {
	A_INT,	     /* attribute: a JSON integer */
	A_STR,	     /* attribute: a string */
	A_STR_NULL,  /* attribute: a string, absent when null */
	A_NUM,	     /* attribute: an integer or a real */
	A_NUM_NULL,  /* attribute: a number, absent when null */
	A_BOOL,	     /* attribute: true or false */
	CONTENT,     /* the element's own text */
	E_TEXT,	     /* child element <key>, its text */
	E_TEXT_NULL, /* the same, absent when null */
	E_RECORD,    /* child element <key>: a record of `sub` */
	E_LIST,	     /* child element <key> with one `sub` element per item */
	ITEMS,	     /* one `sub` element per item, directly */
};

struct record;

struct field {
	const char *key;
	enum field_kind kind;
	const struct record *sub;
};

struct record {
	const char *name; /* the element */
	const struct field *fields;
	size_t count;
};

#define RECORD(name, fields) {name, fields, sizeof(fields) / sizeof(fields[0])}
#define MAX_FIELDS 16

static const struct field source_fields[] = {
	{"name", A_STR, NULL},	   {"bytes", A_INT, NULL},	 {"sha256", A_STR, NULL},
	{"encoding", A_STR, NULL}, {"newline", A_STR, NULL},	 {"bom", A_BOOL, NULL},
	{"replacements", A_INT, NULL},
};
static const struct record source_record = RECORD("source", source_fields);

static const struct field author_fields[] = {{"name", CONTENT, NULL}, {"role", A_STR_NULL, NULL}};
static const struct record author_record = RECORD("author", author_fields);

static const struct field metadata_fields[] = {
	{"title", E_TEXT_NULL, NULL},	  {"authors", E_LIST, &author_record},
	{"section", E_TEXT_NULL, NULL},	  {"date", E_TEXT_NULL, NULL},
	{"language", E_TEXT_NULL, NULL},  {"url", E_TEXT_NULL, NULL},
	{"publisher", E_TEXT_NULL, NULL}, {"place", E_TEXT_NULL, NULL},
	{"reference_date", E_TEXT_NULL, NULL},
};
static const struct record metadata_record = RECORD("metadata", metadata_fields);

static const struct field stats_fields[] = {
	{"characters", A_INT, NULL},
	{"words", A_INT, NULL},
	{"sentences", A_INT, NULL},
	{"paragraphs", A_INT, NULL},
};
static const struct record stats_record = RECORD("stats", stats_fields);

static const struct field paragraph_fields[] = {
	{"index", A_INT, NULL}, {"kind", A_STR, NULL},	  {"start", A_INT, NULL},
	{"end", A_INT, NULL},	{"text", CONTENT, NULL},
};
static const struct record paragraph_record = RECORD("paragraph", paragraph_fields);

static const struct field sentence_fields[] = {
	{"index", A_INT, NULL}, {"paragraph", A_INT, NULL}, {"start", A_INT, NULL},
	{"end", A_INT, NULL},	{"text", CONTENT, NULL},
};
static const struct record sentence_record = RECORD("sentence", sentence_fields);

static const struct field mention_fields[] = {
	{"start", A_INT, NULL},
	{"end", A_INT, NULL},
	{"text", CONTENT, NULL},
	{"sentence", A_INT, NULL},
};
static const struct record mention_record = RECORD("mention", mention_fields);

static const struct field entity_fields[] = {
	{"id", A_STR, NULL},
	{"type", A_STR, NULL},
	{"name", A_STR, NULL},
	{"mentions", ITEMS, &mention_record},
};
static const struct record entity_record = RECORD("entity", entity_fields);

static const struct field acronym_fields[] = {
	{"short", A_STR, NULL},
	{"long", A_STR, NULL},
	{"start", A_INT, NULL},
	{"end", A_INT, NULL},
};
static const struct record acronym_record = RECORD("acronym", acronym_fields);

static const struct field timex_fields[] = {
	{"start", A_INT, NULL},	 {"end", A_INT, NULL},	       {"text", CONTENT, NULL},
	{"type", A_STR, NULL},	 {"value", A_STR_NULL, NULL}, {"sentence", A_INT, NULL},
};
static const struct record timex_record = RECORD("timex", timex_fields);

static const struct field number_fields[] = {
	{"start", A_INT, NULL}, {"end", A_INT, NULL},	      {"text", CONTENT, NULL},
	{"kind", A_STR, NULL},	{"value", A_NUM_NULL, NULL}, {"unit", A_STR_NULL, NULL},
	{"sentence", A_INT, NULL},
};
static const struct record number_record = RECORD("number", number_fields);

static const struct field quote_fields[] = {
	{"start", A_INT, NULL},		{"end", A_INT, NULL},	   {"text", CONTENT, NULL},
	{"speaker", A_STR_NULL, NULL}, {"sentence", A_INT, NULL},
};
static const struct record quote_record = RECORD("quote", quote_fields);

static const struct field item_fields[] = {
	{"ordinal", A_INT, NULL}, {"marker", A_STR, NULL}, {"paragraph", A_INT, NULL},
	{"start", A_INT, NULL},	  {"end", A_INT, NULL},
};
static const struct record item_record = RECORD("item", item_fields);

static const struct field enumeration_fields[] = {
	{"id", A_STR, NULL},
	{"sentence", A_NUM_NULL, NULL},
	{"announced", A_NUM_NULL, NULL},
	{"items", ITEMS, &item_record},
};
static const struct record enumeration_record = RECORD("enumeration", enumeration_fields);

static const struct field keyphrase_fields[] = {
	{"text", CONTENT, NULL},
	{"count", A_INT, NULL},
	{"score", A_NUM, NULL},
};
static const struct record keyphrase_record = RECORD("keyphrase", keyphrase_fields);

static const struct field document_fields[] = {
	{"schema", A_STR, NULL},
	{"id", A_STR, NULL},
	{"source", E_RECORD, &source_record},
	{"metadata", E_RECORD, &metadata_record},
	{"stats", E_RECORD, &stats_record},
	{"text", E_TEXT, NULL},
	{"paragraphs", E_LIST, &paragraph_record},
	{"sentences", E_LIST, &sentence_record},
	{"entities", E_LIST, &entity_record},
	{"acronyms", E_LIST, &acronym_record},
	{"timexes", E_LIST, &timex_record},
	{"numbers", E_LIST, &number_record},
	{"quotes", E_LIST, &quote_record},
	{"enumerations", E_LIST, &enumeration_record},
	{"keyphrases", E_LIST, &keyphrase_record},
};
static const struct record document_record = RECORD("document", document_fields);

static int is_attribute(enum field_kind k)
{
	return k <= A_BOOL;
}

/* Whether v has the JSON type a field of kind k holds. */
static int fits(enum field_kind k, json_t *v)
{
	switch (k) {
	case A_INT: return json_is_integer(v);
	case A_STR: case CONTENT: case E_TEXT: return json_is_string(v);
	case A_STR_NULL: case E_TEXT_NULL: return json_is_string(v) || json_is_null(v);
	case A_NUM: return json_is_number(v);
	case A_NUM_NULL: return json_is_number(v) || json_is_null(v);
	case A_BOOL: return json_is_boolean(v);
	case E_RECORD: return json_is_object(v);
	case E_LIST: case ITEMS: return json_is_array(v);
	}
	return 0;
}

struct qwriter {
	struct q_buf *out;
	int pretty;
	int misfit;	   /* a value does not fit the vocabulary: */
	char why[128]; /* which, and how */
};

static void misfit(struct qwriter *w, const char *fmt, ...) Q_PRINTF(2, 3);

static void misfit(struct qwriter *w, const char *fmt, ...)
{
	va_list ap;
	if (w->misfit)
		return;
	w->misfit = 1;
	va_start(ap, fmt);
	vsnprintf(w->why, sizeof(w->why), fmt, ap);
	va_end(ap);
}

/* Why obj does not have exactly the fields of rec. */
static void misfit_keys(struct qwriter *w, const struct record *rec, json_t *obj)
{
	const char *k;
	json_t *v;
	if (!json_is_object(obj)) {
		misfit(w, "'%s' is not an object", rec->name);
		return;
	}
	json_object_foreach(obj, k, v) {
		size_t i = 0;
		while (i < rec->count && strcmp(rec->fields[i].key, k))
			i++;
		if (i == rec->count) {
			misfit(w, "unexpected key '%.60s'", k);
			return;
		}
	}
	for (size_t i = 0; i < rec->count; i++)
		if (!json_object_get(obj, rec->fields[i].key))
			misfit(w, "missing key '%s'", rec->fields[i].key);
}

static void put_element_text(struct q_buf *b, const char *name, json_t *s)
{
	q_buf_putc(b, '<');
	q_buf_puts(b, name);
	q_buf_putc(b, '>');
	put_text(b, json_string_value(s), json_string_length(s), IN_CONTENT, 0);
	q_buf_append(b, "</", 2);
	q_buf_puts(b, name);
	q_buf_putc(b, '>');
}

static void put_record(struct qwriter *w, const struct record *rec, json_t *obj, int depth);

static void put_items(struct qwriter *w, const struct record *rec, json_t *arr, int depth)
{
	size_t i;
	json_t *item;
	json_array_foreach(arr, i, item) {
		if (w->misfit)
			return;
		put_record(w, rec, item, depth);
	}
}

static void put_record(struct qwriter *w, const struct record *rec, json_t *obj, int depth)
{
	struct q_buf *b = w->out;
	json_t *v[MAX_FIELDS];
	const char *escaped[MAX_FIELDS];
	size_t nescaped = 0;
	int content = 0, children = 0;
	if (!json_is_object(obj) || json_object_size(obj) != rec->count) {
		misfit_keys(w, rec, obj);
		return;
	}
	for (size_t i = 0; i < rec->count; i++) {
		const struct field *f = &rec->fields[i];
		v[i] = json_object_get(obj, f->key);
		if (!v[i]) {
			misfit_keys(w, rec, obj);
			return;
		}
		if (!fits(f->kind, v[i])) {
			misfit(w, "'%s' has the wrong type", f->key);
			return;
		}
		if (f->kind == CONTENT)
			content = 1;
		else if (!is_attribute(f->kind) && !(f->kind == E_TEXT_NULL && json_is_null(v[i])) &&
			 !(f->kind == ITEMS && json_array_size(v[i]) == 0))
			children = 1;
	}
	if (depth > 0)
		put_indent(b, w->pretty, depth);
	q_buf_putc(b, '<');
	q_buf_puts(b, rec->name);
	if (depth == 0)
		q_buf_puts(b, " xmlns=\"" Q_XML_NAMESPACE "\"");
	for (size_t i = 0; i < rec->count; i++) {
		const struct field *f = &rec->fields[i];
		if (!is_attribute(f->kind) || json_is_null(v[i]))
			continue;
		q_buf_putc(b, ' ');
		q_buf_puts(b, f->key);
		q_buf_append(b, "=\"", 2);
		if (f->kind == A_INT || f->kind == A_NUM || f->kind == A_NUM_NULL) {
			put_number(b, v[i]);
		} else if (f->kind == A_BOOL) {
			q_buf_puts(b, json_is_true(v[i]) ? "true" : "false");
		} else {
			const char *s = json_string_value(v[i]);
			size_t n = json_string_length(v[i]);
			int json = has_unxml(s, n);
			if (json)
				escaped[nescaped++] = f->key;
			put_text(b, s, n, IN_ATTR, json);
		}
		q_buf_putc(b, '"');
	}
	if (nescaped) {
		q_buf_puts(b, " escaped=\"");
		for (size_t i = 0; i < nescaped; i++) {
			if (i)
				q_buf_putc(b, ' ');
			q_buf_puts(b, escaped[i]);
		}
		q_buf_putc(b, '"');
	}
	if (!content && !children) {
		q_buf_append(b, "/>", 2);
		return;
	}
	q_buf_putc(b, '>');
	for (size_t i = 0; i < rec->count && !w->misfit; i++) {
		const struct field *f = &rec->fields[i];
		switch (f->kind) {
		case CONTENT:
			put_text(b, json_string_value(v[i]), json_string_length(v[i]), IN_CONTENT, 0);
			break;
		case E_TEXT:
		case E_TEXT_NULL:
			if (json_is_null(v[i]))
				break;
			put_indent(b, w->pretty, depth + 1);
			put_element_text(b, f->key, v[i]);
			break;
		case E_RECORD:
			put_record(w, f->sub, v[i], depth + 1);
			break;
		case E_LIST:
			put_indent(b, w->pretty, depth + 1);
			q_buf_putc(b, '<');
			q_buf_puts(b, f->key);
			if (json_array_size(v[i]) == 0) {
				q_buf_append(b, "/>", 2);
				break;
			}
			q_buf_putc(b, '>');
			put_items(w, f->sub, v[i], depth + 2);
			put_indent(b, w->pretty, depth + 1);
			q_buf_append(b, "</", 2);
			q_buf_puts(b, f->key);
			q_buf_putc(b, '>');
			break;
		case ITEMS:
			put_items(w, f->sub, v[i], depth + 1);
			break;
		default:
			break;
		}
	}
	if (!content)
		put_indent(b, w->pretty, depth);
	q_buf_append(b, "</", 2);
	q_buf_puts(b, rec->name);
	q_buf_putc(b, '>');
}

/* Checks data[0..len) against the XSD in one streaming pass. */
static int check_against_xsd(xmlSchemaPtr xsd, const char *data, size_t len, struct capture *cap)
{
	struct handlers h;
	int rc = -1;
	if (len > INT_MAX) {
		snprintf(cap->message, sizeof(cap->message), "output too large to check");
		cap->have = 1;
		return -1;
	}
	handlers_enter(&h, cap);
	xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(xsd);
	xmlParserInputBufferPtr in = xmlParserInputBufferCreateMem(data, (int)len, XML_CHAR_ENCODING_UTF8);
	if (v && in) {
		xmlSchemaSetValidStructuredErrors(v, capture_error, cap);
		rc = xmlSchemaValidateStream(v, in, XML_CHAR_ENCODING_UTF8, NULL, NULL);
		in = NULL; /* the parser of the stream owns it now */
	}
	if (in)
		xmlFreeParserInputBuffer(in);
	if (v)
		xmlSchemaFreeValidCtxt(v);
	handlers_leave(&h);
	if (rc != 0 && !cap->have) {
		snprintf(cap->message, sizeof(cap->message), "%s",
			 rc < 0 ? "the validator failed (out of memory?)" : "invalid");
		cap->have = 1;
	}
	return rc;
}

/* Result of put_document when the view is no valid document. */
#define NOT_A_DOCUMENT (-1)

static int put_document(json_t *view, int pretty, const char *file, struct q_buf *out,
			struct q_error *err)
{
	size_t start = out->len;
	struct qwriter w = {out, pretty, 0, ""};
	struct capture cap;
	char why[Q_ERROR_MESSAGE_MAX] = "";
	xmlSchemaPtr xsd = quarry_xsd(err);
	if (!xsd)
		return err->code;
	q_buf_puts(out, XML_DECL);
	put_record(&w, &document_record, view, 0);
	q_buf_putc(out, '\n');
	if (out->failed)
		return 0; /* the caller reports it */
	if (w.misfit) {
		snprintf(why, sizeof(why), "%s", w.why);
	} else if (check_against_xsd(xsd, out->data + start, out->len - start, &cap) != 0) {
		int valid = view_is_valid(view, why, sizeof(why));
		if (valid != 0)
			return q_error_set(err, Q_EINTERNAL, file, cap.line, 0, -1,
					   "XML output does not match quarry.xsd: %s", cap.message);
	} else {
		return 0;
	}
	out->len = start;
	if (out->data)
		out->data[start] = '\0';
	q_warn(file, "not a valid quarry/1 document (%s): written as JSON data in the json-to-xml vocabulary",
	       why);
	return NOT_A_DOCUMENT;
}

/* ==== writing: the json-to-xml vocabulary =============================== */

static int put_fn(struct q_buf *b, int pretty, json_t *v, const char *key, size_t keylen,
		  int depth, const char *file, struct q_error *err)
{
	const char *name;
	switch (json_typeof(v)) {
	case JSON_OBJECT: name = "map"; break;
	case JSON_ARRAY: name = "array"; break;
	case JSON_STRING: name = "string"; break;
	case JSON_INTEGER: case JSON_REAL: name = "number"; break;
	case JSON_TRUE: case JSON_FALSE: name = "boolean"; break;
	default: name = "null"; break;
	}
	if (depth > Q_MAX_DEPTH)
		return q_error_msg(err, Q_EDATA, NULL, "data nested deeper than %d levels", Q_MAX_DEPTH);
	if (depth > 0)
		put_indent(b, pretty, depth);
	q_buf_putc(b, '<');
	q_buf_puts(b, name);
	if (depth == 0)
		q_buf_puts(b, " xmlns=\"" Q_XML_FN_NAMESPACE "\"");
	if (key) {
		int json = has_unxml(key, keylen);
		if (json && memchr(key, '\0', keylen))
			q_warn(file, "a key with U+0000 is written escaped, but no JSON reader takes it back");
		q_buf_puts(b, " key=\"");
		put_text(b, key, keylen, IN_ATTR, json);
		q_buf_putc(b, '"');
		if (json)
			q_buf_puts(b, " escaped-key=\"true\"");
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		size_t klen;
		json_t *child;
		if (json_object_size(v) == 0)
			break;
		q_buf_putc(b, '>');
		json_object_keylen_foreach(v, k, klen, child) {
			if (put_fn(b, pretty, child, k, klen, depth + 1, file, err))
				return err->code;
		}
		put_indent(b, pretty, depth);
		goto close;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *child;
		if (json_array_size(v) == 0)
			break;
		q_buf_putc(b, '>');
		json_array_foreach(v, i, child) {
			if (put_fn(b, pretty, child, NULL, 0, depth + 1, file, err))
				return err->code;
		}
		put_indent(b, pretty, depth);
		goto close;
	}
	case JSON_STRING: {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		int json = has_unxml(s, n);
		if (n == 0)
			break;
		q_buf_puts(b, json ? " escaped=\"true\">" : ">");
		put_text(b, s, n, IN_CONTENT, json);
		goto close;
	}
	case JSON_INTEGER:
	case JSON_REAL:
		q_buf_putc(b, '>');
		put_number(b, v);
		goto close;
	case JSON_TRUE:
	case JSON_FALSE:
		q_buf_puts(b, json_is_true(v) ? ">true" : ">false");
		goto close;
	default:
		break;
	}
	q_buf_append(b, "/>", 2);
	return 0;
close:
	q_buf_append(b, "</", 2);
	q_buf_puts(b, name);
	q_buf_putc(b, '>');
	return 0;
}

/* ==== writing: canonical JsonML ========================================= */

/*
 * A JSON value is canonical JsonML — written as the XML it denotes rather
 * than in the json-to-xml vocabulary — when reading that XML back gives
 * the same value.  So, strictly:
 *   element   ["qname", {attributes}?, child…] — a QName, the attributes
 *             object only when not empty;
 *   attribute "qname": "value", or "xmlns" / "xmlns:prefix": "uri" for a
 *             namespace declaration (no empty prefixed URI, no rebinding
 *             of xml/xmlns); every prefix in use declared in scope; no two
 *             attributes with one expanded name;
 *   child     a non-empty string (never two in a row), an element,
 *             ["!--", "comment"] or ["?target", "data"];
 *   document  ["#document", …] with comments and processing instructions
 *             around exactly one element, and at least one of them;
 * no string holds a character XML 1.0 cannot carry, comments and
 * processing instructions what their syntax forbids ("--", "?>", CR);
 * the root element is in neither the quarry nor the json-to-xml namespace
 * (whose XML reads back as other JSON); nesting stays within Q_MAX_DEPTH.
 */
struct binding {
	const char *prefix; /* NULL: the default namespace */
	size_t plen;
	const char *uri;
};

struct jm_check {
	struct binding *scope;
	size_t count, cap;
	int nomem;
};

static int bind(struct jm_check *c, const char *prefix, size_t plen, const char *uri)
{
	if (c->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct binding *s = realloc(c->scope, cap * sizeof(*s));
		if (!s) {
			c->nomem = 1;
			return 0;
		}
		c->scope = s;
		c->cap = cap;
	}
	c->scope[c->count++] = (struct binding){prefix, plen, uri};
	return 1;
}

/* The namespace of a prefix in scope ("" for none), or NULL if unbound. */
static const char *lookup(const struct jm_check *c, const char *prefix, size_t plen)
{
	if (prefix && plen == 3 && memcmp(prefix, "xml", 3) == 0)
		return XML_NS_URI;
	for (size_t i = c->count; i-- > 0;) {
		const struct binding *b = &c->scope[i];
		if (!prefix ? !b->prefix : (b->prefix && b->plen == plen && !memcmp(b->prefix, prefix, plen)))
			return b->uri;
	}
	return prefix ? NULL : "";
}

static int is_xml_text(json_t *s)
{
	return json_is_string(s) && !has_unxml(json_string_value(s), json_string_length(s));
}

/* An attribute value, comment or processing instruction libxml2 reads. */
static int is_xml_value(json_t *s)
{
	return is_xml_text(s) && json_string_length(s) <= Q_XML_MAX_VALUE;
}

static int comment_ok(json_t *v)
{
	json_t *t = json_array_get(v, 1);
	if (json_array_size(v) != 2 || !is_xml_value(t))
		return 0;
	const char *s = json_string_value(t);
	size_t n = json_string_length(t);
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '-' && s[i + 1] == '-')
			return 0;
	return !memchr(s, '\r', n) && (n == 0 || s[n - 1] != '-');
}

static int pi_ok(json_t *v)
{
	const char *name = json_string_value(json_array_get(v, 0));
	size_t nlen = json_string_length(json_array_get(v, 0));
	json_t *t = json_array_get(v, 1);
	if (json_array_size(v) != 2 || !is_xml_value(t) || !is_ncname(name + 1, nlen - 1))
		return 0;
	if (nlen == 4 && strncasecmp(name + 1, "xml", 3) == 0)
		return 0;
	const char *s = json_string_value(t);
	size_t n = json_string_length(t);
	if (n && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n'))
		return 0;
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '?' && s[i + 1] == '>')
			return 0;
	return !memchr(s, '\r', n);
}

struct expanded {
	const char *uri;
	const char *local;
};

static int cmp_expanded(const void *a, const void *b)
{
	const struct expanded *x = a, *y = b;
	int c = strcmp(x->uri, y->uri);
	return c ? c : strcmp(x->local, y->local);
}

static int element_ok(struct jm_check *c, json_t *v, int depth, int root);

static int children_ok(struct jm_check *c, json_t *v, size_t from, int depth)
{
	int after_string = 0;
	for (size_t i = from; i < json_array_size(v); i++) {
		json_t *child = json_array_get(v, i);
		if (json_is_string(child)) {
			if (after_string || json_string_length(child) == 0 || !is_xml_text(child))
				return 0;
			after_string = 1;
			continue;
		}
		after_string = 0;
		const char *tag = json_string_value(json_array_get(child, 0));
		if (!json_is_array(child) || !tag)
			return 0;
		if (strcmp(tag, "!--") == 0) {
			if (!comment_ok(child))
				return 0;
		} else if (tag[0] == '?') {
			if (!pi_ok(child))
				return 0;
		} else if (!element_ok(c, child, depth + 1, 0)) {
			return 0;
		}
	}
	return 1;
}

static int element_ok(struct jm_check *c, json_t *v, int depth, int root)
{
	json_t *name = json_array_get(v, 0), *attrs = json_array_get(v, 1);
	size_t colon, mark = c->count, from = 1, nexp = 0;
	struct expanded small[16], *exp = small;
	int ok = 0;
	if (depth > Q_MAX_DEPTH || !json_is_string(name) ||
	    !is_qname(json_string_value(name), json_string_length(name), &colon))
		return 0;
	if (json_is_object(attrs)) {
		const char *k;
		size_t klen, kcolon;
		json_t *val;
		if (json_object_size(attrs) == 0 || depth + 1 > Q_MAX_DEPTH)
			return 0;
		from = 2;
		/* Declarations first: they are in force for the whole element. */
		json_object_keylen_foreach(attrs, k, klen, val) {
			if (!is_xml_value(val))
				goto out;
			const char *uri = json_string_value(val);
			int reserved = !strcmp(uri, XML_NS_URI) || !strcmp(uri, XMLNS_NS_URI);
			if (klen == 5 && memcmp(k, "xmlns", 5) == 0) {
				if (reserved || !bind(c, NULL, 0, uri))
					goto out;
			} else if (klen > 6 && memcmp(k, "xmlns:", 6) == 0) {
				if (!is_ncname(k + 6, klen - 6) || !uri[0] || reserved ||
				    (klen == 9 && !memcmp(k + 6, "xml", 3)) ||
				    (klen == 11 && !memcmp(k + 6, "xmlns", 5)) || !bind(c, k + 6, klen - 6, uri))
					goto out;
			} else if (!is_qname(k, klen, &kcolon) ||
				   (kcolon == 5 && memcmp(k, "xmlns", 5) == 0)) {
				goto out;
			}
		}
		if (json_object_size(attrs) > sizeof(small) / sizeof(small[0]) &&
		    !(exp = malloc(json_object_size(attrs) * sizeof(*exp)))) {
			c->nomem = 1;
			goto out;
		}
		json_object_keylen_foreach(attrs, k, klen, val) {
			if ((klen == 5 && !memcmp(k, "xmlns", 5)) || (klen > 6 && !memcmp(k, "xmlns:", 6)))
				continue;
			is_qname(k, klen, &kcolon);
			if (!kcolon)
				continue;
			const char *uri = lookup(c, k, kcolon);
			if (!uri)
				goto out;
			exp[nexp++] = (struct expanded){uri, k + kcolon + 1};
		}
		qsort(exp, nexp, sizeof(*exp), cmp_expanded);
		for (size_t i = 1; i < nexp; i++)
			if (!cmp_expanded(&exp[i - 1], &exp[i]))
				goto out;
	} else if (attrs && !json_is_string(attrs) && !json_is_array(attrs)) {
		return 0;
	}
	{
		const char *uri = lookup(c, colon ? json_string_value(name) : NULL, colon);
		if (!uri || (root && (!strcmp(uri, Q_XML_NAMESPACE) || !strcmp(uri, Q_XML_FN_NAMESPACE))))
			goto out;
	}
	ok = children_ok(c, v, from, depth);
out:
	if (exp != small)
		free(exp);
	c->count = mark;
	return ok;
}

/* 1 when v is canonical JsonML, 0 when not, -1 when out of memory. */
static int is_canonical_jsonml(json_t *v)
{
	struct jm_check c = {NULL, 0, 0, 0};
	const char *tag = json_string_value(json_array_get(v, 0));
	int ok = 0;
	if (!json_is_array(v) || !tag)
		return 0;
	if (strcmp(tag, "#document") == 0) {
		size_t elements = 0, others = 0;
		for (size_t i = 1; i < json_array_size(v); i++) {
			json_t *child = json_array_get(v, i);
			const char *t = json_string_value(json_array_get(child, 0));
			if (!json_is_array(child) || !t)
				goto out;
			if (strcmp(t, "!--") == 0 ? comment_ok(child) : t[0] == '?' ? pi_ok(child) : 0)
				others++;
			else if (t[0] != '!' && t[0] != '?' && element_ok(&c, child, 1, 1))
				elements++;
			else
				goto out;
		}
		ok = elements == 1 && others > 0;
	} else {
		ok = element_ok(&c, v, 0, 1);
	}
out:
	free(c.scope);
	return c.nomem ? -1 : ok;
}

/* Writes canonical JsonML (checked) as XML. */
static void put_jsonml(struct q_buf *b, json_t *v)
{
	const char *tag = json_string_value(json_array_get(v, 0));
	size_t i = 1;
	if (tag[0] == '!') {
		q_buf_append(b, "<!--", 4);
		q_buf_puts(b, json_string_value(json_array_get(v, 1)));
		q_buf_append(b, "-->", 3);
		return;
	}
	if (tag[0] == '?') {
		json_t *data = json_array_get(v, 1);
		q_buf_append(b, "<?", 2);
		q_buf_puts(b, tag + 1);
		if (json_string_length(data)) {
			q_buf_putc(b, ' ');
			q_buf_puts(b, json_string_value(data));
		}
		q_buf_append(b, "?>", 2);
		return;
	}
	q_buf_putc(b, '<');
	q_buf_puts(b, tag);
	json_t *attrs = json_array_get(v, 1);
	if (json_is_object(attrs)) {
		const char *k;
		json_t *val;
		json_object_foreach(attrs, k, val) {
			q_buf_putc(b, ' ');
			q_buf_puts(b, k);
			q_buf_append(b, "=\"", 2);
			put_text(b, json_string_value(val), json_string_length(val), IN_ATTR, 0);
			q_buf_putc(b, '"');
		}
		i = 2;
	}
	if (i >= json_array_size(v)) {
		q_buf_append(b, "/>", 2);
		return;
	}
	q_buf_putc(b, '>');
	for (; i < json_array_size(v); i++) {
		json_t *child = json_array_get(v, i);
		if (json_is_string(child))
			put_text(b, json_string_value(child), json_string_length(child), IN_CONTENT, 0);
		else
			put_jsonml(b, child);
	}
	q_buf_append(b, "</", 2);
	q_buf_puts(b, tag);
	q_buf_putc(b, '>');
}

/* ==== q_xml_emit ========================================================= */

int q_xml_emit(json_t *value, const struct q_emit_opts *opts, struct q_buf *out,
	       struct q_error *err)
{
	const char *file = opts ? opts->file : NULL;
	int pretty = !(opts && opts->compact);
	int rc = NOT_A_DOCUMENT, jsonml;
	struct q_error local;
	if (!err) {
		q_error_init(&local);
		err = &local;
	}
	if (!value)
		return q_error_msg(err, Q_EINTERNAL, file, "no value to write");
	if (q_ir_is_view(value)) {
		rc = put_document(value, pretty, file, out, err);
		if (rc > 0)
			return rc;
	}
	if (rc == NOT_A_DOCUMENT) {
		q_buf_puts(out, XML_DECL);
		if ((jsonml = is_canonical_jsonml(value)) < 0) {
			return q_error_msg(err, Q_ENOMEM, file, "out of memory");
		} else if (jsonml) {
			if (strcmp(json_string_value(json_array_get(value, 0)), "#document") == 0) {
				for (size_t i = 1; i < json_array_size(value); i++) {
					put_jsonml(out, json_array_get(value, i));
					q_buf_putc(out, '\n');
				}
			} else {
				put_jsonml(out, value);
				q_buf_putc(out, '\n');
			}
		} else {
			if (put_fn(out, pretty, value, NULL, 0, 0, file, err))
				return err->code;
			q_buf_putc(out, '\n');
		}
	}
	if (out->failed)
		return q_error_msg(err, out->failed, file, "%s",
				   out->failed == Q_ETOOBIG ? "output exceeds the size limit"
							    : "out of memory");
	return 0;
}

/* ==== reading ============================================================ */

/*
 * Strings are made with jansson's _nocheck functions: libxml2 hands out
 * UTF-8 it has checked (or converted from the declared encoding), and the
 * JSON escapes are decoded into UTF-8 here; checking again cost a fifth
 * of the reading time.
 */

struct reader {
	const char *file;
	struct q_error *err;
	xmlDocPtr doc;
	long line0;	    /* lines skipped before the XML began */
	size_t budget;	    /* bytes entity expansion may still produce */
	int entity_nesting; /* entities being expanded */
	struct q_buf text;  /* text gathered for the value being built */
	unsigned warned;    /* WARN_… bits already reported */
};

enum {
	WARN_EXTERNAL = 1,
	WARN_DTD = 2,
	WARN_COMMENT = 4,
	WARN_FOREIGN = 8,
};

static void warn_once(struct reader *r, unsigned what, const char *fmt, const char *arg)
{
	if (r->warned & what)
		return;
	r->warned |= what;
	q_warn(r->file, fmt, arg);
}

static long line_of(struct reader *r, xmlNodePtr n)
{
	long l = n ? xmlGetLineNo(n) : 0;
	return l > 0 ? l + r->line0 : 0;
}

static int fail(struct reader *r, int code, xmlNodePtr at, const char *fmt, ...) Q_PRINTF(4, 5);

static int fail(struct reader *r, int code, xmlNodePtr at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	q_error_vset(r->err, code, r->file, line_of(r, at), 0, -1, fmt, ap);
	va_end(ap);
	return r->err->code;
}

static int nomem(struct reader *r)
{
	return q_error_msg(r->err, Q_ENOMEM, r->file, "out of memory");
}

/* Text produced by entity expansion is paid for from the budget. */
static int spend(struct reader *r, size_t n, xmlNodePtr at)
{
	if (r->entity_nesting == 0)
		return 0;
	if (n > r->budget)
		return fail(r, Q_EDATA, at, "entity expansion exceeds the limit (%u bytes per input byte)",
			    Q_XML_EXPANSION_FACTOR);
	r->budget -= n;
	return 0;
}

/* The internal entity a reference node expands to, or NULL (warned). */
static xmlEntityPtr internal_entity(struct reader *r, xmlNodePtr ref)
{
	xmlEntityPtr e = xmlGetDocEntity(r->doc, ref->name);
	if (!e || e->etype != XML_INTERNAL_GENERAL_ENTITY) {
		warn_once(r, WARN_EXTERNAL,
			  "external entity '%s' is not read (XML input never loads files)", (const char *)ref->name);
		return NULL;
	}
	return e;
}

static int enter_entity(struct reader *r, xmlNodePtr at)
{
	if (r->entity_nesting >= Q_XML_MAX_ENTITY_NESTING)
		return fail(r, Q_EDATA, at, "entities nested deeper than %d levels", Q_XML_MAX_ENTITY_NESTING);
	r->entity_nesting++;
	return 0;
}

static int is_ws_only(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

/*
 * Appends the character data of a node list to r->text: text, CDATA and
 * internal entities.  elements says what to do with an element: 0 refuse
 * (Q_EINVALID), 1 take <c u="…"/> of the quarry vocabulary.  Comments and
 * processing instructions are dropped with a warning.
 */
static int gather_text(struct reader *r, xmlNodePtr n, int elements)
{
	for (; n; n = n->next) {
		switch (n->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE: {
			size_t len = n->content ? strlen((const char *)n->content) : 0;
			if (spend(r, len, n))
				return r->err->code;
			q_buf_append(&r->text, n->content, len);
			break;
		}
		case XML_ENTITY_REF_NODE: {
			xmlEntityPtr e = internal_entity(r, n);
			if (!e)
				break;
			if (enter_entity(r, n))
				return r->err->code;
			int rc = gather_text(r, e->children, elements);
			r->entity_nesting--;
			if (rc)
				return rc;
			break;
		}
		case XML_ELEMENT_NODE: {
			xmlChar *u = NULL;
			if (elements && n->ns && !strcmp((const char *)n->ns->href, Q_XML_NAMESPACE) &&
			    !strcmp((const char *)n->name, "c") && (u = xmlGetNoNsProp(n, BAD_CAST "u"))) {
				char utf8[4];
				long cp = strtol((const char *)u, NULL, 16);
				xmlFree(u);
				if (spend(r, 3, n))
					return r->err->code;
				q_buf_append(&r->text, utf8, q_utf8_encode((uint32_t)cp, utf8));
				break;
			}
			return fail(r, Q_EINVALID, n, "element <%s> where only text may be", (const char *)n->name);
		}
		case XML_COMMENT_NODE:
		case XML_PI_NODE:
			warn_once(r, WARN_COMMENT, "%s", "comments and processing instructions inside data are dropped");
			break;
		default:
			break;
		}
	}
	return 0;
}

/* The text of a node list as a new string (NULL and an error on failure). */
static json_t *text_value(struct reader *r, xmlNodePtr children, int elements)
{
	q_buf_reset(&r->text);
	if (gather_text(r, children, elements))
		return NULL;
	if (r->text.failed) {
		nomem(r);
		return NULL;
	}
	json_t *s = json_stringn_nocheck(r->text.data ? r->text.data : "", r->text.len);
	if (!s)
		nomem(r);
	return s;
}

/* ---- JSON escapes (the escaped forms) ---------------------------------- */

static int hex4(const char *s, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
				: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return 0;
		*v = *v * 16 + (uint32_t)d;
	}
	return 1;
}

/* Decodes the JSON escapes of s[0..n) into out; -1 on a bad escape. */
static int unescape(const char *s, size_t n, struct q_buf *out)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\')
			continue;
		q_buf_append(out, s + run, i - run);
		if (++i >= n)
			return -1;
		char c = s[i];
		switch (c) {
		case '"': case '\\': case '/': q_buf_putc(out, c); break;
		case 'b': q_buf_putc(out, '\b'); break;
		case 'f': q_buf_putc(out, '\f'); break;
		case 'n': q_buf_putc(out, '\n'); break;
		case 'r': q_buf_putc(out, '\r'); break;
		case 't': q_buf_putc(out, '\t'); break;
		case 'u': {
			uint32_t cp, lo;
			char utf8[4];
			if (i + 4 >= n || !hex4(s + i + 1, &cp))
				return -1;
			i += 4;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return -1;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (i + 6 >= n || s[i + 1] != '\\' || s[i + 2] != 'u' ||
				    !hex4(s + i + 3, &lo) || lo < 0xDC00 || lo > 0xDFFF)
					return -1;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i += 6;
			}
			q_buf_append(out, utf8, q_utf8_encode(cp, utf8));
			break;
		}
		default:
			return -1;
		}
		run = i + 1;
	}
	q_buf_append(out, s + run, n - run);
	return 0;
}

/* ---- the quarry vocabulary ---------------------------------------------- */

static int in_quarry_ns(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns &&
	       !strcmp((const char *)n->ns->href, Q_XML_NAMESPACE) &&
	       (!name || !strcmp((const char *)n->name, name));
}

static xmlNodePtr next_element(xmlNodePtr n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

/* An attribute's value in r->text; 0 when absent. */
static int attribute(struct reader *r, xmlNodePtr el, const char *name, int *rc)
{
	xmlAttrPtr a = xmlHasNsProp(el, BAD_CAST name, NULL);
	*rc = 0;
	if (!a || a->type != XML_ATTRIBUTE_NODE)
		return 0;
	q_buf_reset(&r->text);
	*rc = gather_text(r, a->children, 0);
	if (!*rc && r->text.failed)
		*rc = nomem(r);
	return 1;
}

static const char *xml_ws = " \t\n\r";

/* An xs:boolean lexical: 1 true, 0 false, -1 neither. */
static int boolean_value(const char *s)
{
	const char *t = s + strspn(s, xml_ws);
	size_t n = strcspn(t, xml_ws);
	if (t[n + strspn(t + n, xml_ws)])
		return -1;
	if ((n == 4 && !memcmp(t, "true", 4)) || (n == 1 && t[0] == '1'))
		return 1;
	if ((n == 5 && !memcmp(t, "false", 5)) || (n == 1 && t[0] == '0'))
		return 0;
	return -1;
}

/* A JSON number from an xs:double lexical in t (modified): integer unless
 * it has '.', 'e' or 'E'.  Returns 1 when t is no such number or out of
 * range, else 0 with *out the number (NULL when out of memory). */
static int lexical_number(struct q_buf *t, int integer_only, json_t **out)
{
	char *s = t->data;
	size_t n = t->len, i = 0, digits = 0;
	int real = 0;
	*out = NULL;
	if (!s || n == 0)
		return 1;
	while (n && strchr(xml_ws, s[n - 1]))
		n--;
	s[n] = '\0';
	i = strspn(s, xml_ws);
	s += i;
	n -= i;
	i = s[0] == '-' || s[0] == '+';
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < n && s[i] == '.') {
		real = 1;
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	}
	if (!digits)
		return 1;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t e = 0;
		real = 1;
		i++;
		i += i < n && (s[i] == '-' || s[i] == '+');
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			e++;
		if (!e)
			return 1;
	}
	if (i != n || (real && integer_only))
		return 1;
	char *end;
	errno = 0;
	if (real) {
		double d = strtod(s, &end);
		if (*end || !isfinite(d))
			return 1;
		*out = json_real(d);
		return 0;
	}
	long long v = strtoll(s, &end, 10);
	if (*end || errno)
		return 1;
	*out = json_integer((json_int_t)v);
	return 0;
}

/* Whether `key` is listed in the element's escaped attribute. */
static int listed_escaped(xmlNodePtr el, const char *key)
{
	xmlChar *list = xmlGetNoNsProp(el, BAD_CAST "escaped");
	int found = 0;
	if (!list)
		return 0;
	size_t klen = strlen(key);
	for (const char *p = (const char *)list; *p;) {
		p += strspn(p, xml_ws);
		size_t k = strcspn(p, xml_ws);
		if (k == klen && !memcmp(p, key, k))
			found = 1;
		p += k;
	}
	xmlFree(list);
	return found;
}

static json_t *read_record(struct reader *r, const struct record *rec, xmlNodePtr el);

static json_t *read_field(struct reader *r, const struct field *f, xmlNodePtr el, xmlNodePtr *child)
{
	int rc;
	if (is_attribute(f->kind)) {
		if (!attribute(r, el, f->key, &rc)) {
			if (rc)
				return NULL;
			if (f->kind == A_STR_NULL || f->kind == A_NUM_NULL)
				return json_null();
			fail(r, Q_EINVALID, el, "<%s> lacks the attribute %s", (const char *)el->name, f->key);
			return NULL;
		}
		if (rc)
			return NULL;
		const char *s = r->text.data ? r->text.data : "";
		json_t *v = NULL;
		int bad = 0; /* the lexical form is wrong (else NULL: no memory) */
		switch (f->kind) {
		case A_INT: bad = lexical_number(&r->text, 1, &v); break;
		case A_NUM: case A_NUM_NULL: bad = lexical_number(&r->text, 0, &v); break;
		case A_BOOL: {
			int b = boolean_value(s);
			bad = b < 0;
			v = bad ? NULL : json_boolean(b);
			break;
		}
		default:
			if (listed_escaped(el, f->key)) {
				struct q_buf plain;
				q_buf_init(&plain, 0);
				bad = unescape(s, r->text.len, &plain) != 0;
				if (!bad && !plain.failed)
					v = json_stringn_nocheck(plain.data ? plain.data : "", plain.len);
				q_buf_release(&plain);
			} else {
				v = json_stringn_nocheck(s, r->text.len);
			}
		}
		if (bad)
			fail(r, Q_EINVALID, el, "<%s>: bad value of %s: '%.40s'", (const char *)el->name, f->key, s);
		else if (!v)
			nomem(r);
		return v;
	}
	if (f->kind == CONTENT)
		return text_value(r, el->children, 1);
	xmlNodePtr c = *child;
	if (!in_quarry_ns(c, f->kind == ITEMS ? f->sub->name : f->key)) {
		if (f->kind == E_TEXT_NULL)
			return json_null();
		if (f->kind == ITEMS)
			return json_array();
		fail(r, Q_EINVALID, c ? c : el, "expected <%s>", f->key);
		return NULL;
	}
	switch (f->kind) {
	case E_TEXT:
	case E_TEXT_NULL:
		*child = next_element(c->next);
		return text_value(r, c->children, 1);
	case E_RECORD:
		*child = next_element(c->next);
		return read_record(r, f->sub, c);
	default:
		break;
	}
	json_t *arr = json_array();
	xmlNodePtr item = f->kind == E_LIST ? next_element(c->children) : c;
	for (; in_quarry_ns(item, f->sub->name); item = next_element(item->next)) {
		json_t *o = read_record(r, f->sub, item);
		if (!o || json_array_append_new(arr, o)) {
			json_decref(arr);
			if (o)
				nomem(r);
			return NULL;
		}
	}
	*child = f->kind == E_LIST ? next_element(c->next) : item;
	return arr;
}

static json_t *read_record(struct reader *r, const struct record *rec, xmlNodePtr el)
{
	json_t *o = json_object();
	xmlNodePtr child = next_element(el->children);
	if (!o) {
		nomem(r);
		return NULL;
	}
	for (xmlNodePtr n = el->children; n && !(r->warned & WARN_COMMENT); n = n->next)
		if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE)
			warn_once(r, WARN_COMMENT, "%s",
				  "comments and processing instructions inside data are dropped");
	for (size_t i = 0; i < rec->count; i++) {
		const struct field *f = &rec->fields[i];
		json_t *v = read_field(r, f, el, &child);
		if (!v || json_object_set_new_nocheck(o, f->key, v)) {
			if (v)
				nomem(r);
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* The first entity reference in the tree under n, or NULL. */
static xmlNodePtr find_reference(xmlNodePtr n)
{
	for (; n; n = n->next) {
		if (n->type == XML_ENTITY_REF_NODE)
			return n;
		if (n->type == XML_ELEMENT_NODE) {
			for (xmlAttrPtr a = n->properties; a; a = a->next)
				for (xmlNodePtr c = a->children; c; c = c->next)
					if (c->type == XML_ENTITY_REF_NODE)
						return c->parent ? c->parent->parent : n;
			xmlNodePtr f = find_reference(n->children);
			if (f)
				return f;
		}
	}
	return NULL;
}

static json_t *read_quarry(struct reader *r, xmlNodePtr root)
{
	struct capture cap;
	struct handlers h;
	int rc = -1;
	xmlSchemaPtr xsd = quarry_xsd(r->err);
	if (!xsd)
		return NULL;
	/* libxml2's XSD validator cannot see through entity references, and
	 * quarry never writes any: only DTD-declared ones can be there. */
	xmlNodePtr ref = r->doc->intSubset && r->doc->intSubset->entities ? find_reference(root) : NULL;
	if (ref) {
		fail(r, Q_EINVALID, ref, "entity references are not supported in quarry XML documents");
		return NULL;
	}
	handlers_enter(&h, &cap);
	xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(xsd);
	if (v) {
		xmlSchemaSetValidStructuredErrors(v, capture_error, &cap);
		rc = xmlSchemaValidateDoc(v, r->doc);
		xmlSchemaFreeValidCtxt(v);
	}
	handlers_leave(&h);
	if (rc != 0) {
		q_error_set(r->err, rc < 0 && !cap.have ? Q_EINTERNAL : Q_EINVALID, r->file,
			    cap.line > 0 ? cap.line + r->line0 : 0, 0, -1,
			    "not a valid quarry XML document: %s",
			    cap.have ? cap.message : "the validator failed (out of memory?)");
		return NULL;
	}
	return read_record(r, &document_record, root);
}

/* ---- the json-to-xml vocabulary ------------------------------------------ */

static int in_fn_ns(xmlNodePtr n)
{
	return n->ns && !strcmp((const char *)n->ns->href, Q_XML_FN_NAMESPACE);
}

/* The value of an unprefixed attribute as a new string, or NULL. */
static char *attr_copy(struct reader *r, xmlNodePtr el, const char *name, int *rc)
{
	if (!attribute(r, el, name, rc) || *rc)
		return NULL;
	char *s = malloc(r->text.len + 1);
	if (!s) {
		*rc = nomem(r);
		return NULL;
	}
	memcpy(s, r->text.data ? r->text.data : "", r->text.len);
	s[r->text.len] = '\0';
	return s;
}

static json_t *read_fn(struct reader *r, xmlNodePtr el, int depth, int in_map);

/* The entry of a map (keyed) or array for each element child. */
static int fn_children(struct reader *r, xmlNodePtr n, json_t *container, int depth)
{
	for (; n; n = n->next) {
		switch (n->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (n->content && !is_ws_only((const char *)n->content, strlen((const char *)n->content)))
				return fail(r, Q_EINVALID, n, "json-to-xml: text inside <%s>",
					    json_is_object(container) ? "map" : "array");
			break;
		case XML_ENTITY_REF_NODE: {
			xmlEntityPtr e = internal_entity(r, n);
			if (!e)
				break;
			if (enter_entity(r, n))
				return r->err->code;
			int rc = fn_children(r, e->children, container, depth);
			r->entity_nesting--;
			if (rc)
				return rc;
			break;
		}
		case XML_ELEMENT_NODE: {
			int in_map = json_is_object(container);
			if (spend(r, 16, n))
				return r->err->code;
			json_t *v = read_fn(r, n, depth + 1, in_map);
			if (!v)
				return r->err->code;
			if (!in_map) {
				if (json_array_append_new(container, v))
					return nomem(r);
				break;
			}
			int rc;
			char *raw = attr_copy(r, n, "key", &rc);
			char *flag = raw ? attr_copy(r, n, "escaped-key", &rc) : NULL;
			int escaped = flag ? boolean_value(flag) : 0;
			free(flag);
			q_buf_reset(&r->text);
			if (!rc && raw && escaped == 1 && unescape(raw, strlen(raw), &r->text))
				rc = fail(r, Q_EINVALID, n, "json-to-xml: bad JSON escape in the key '%.40s'", raw);
			else if (!rc && raw && escaped != 1)
				q_buf_puts(&r->text, raw);
			free(raw);
			if (!rc && r->text.failed)
				rc = nomem(r);
			/* jansson, and so every JSON reader and writer here, takes
			 * keys for C strings. */
			if (!rc && r->text.len && memchr(r->text.data, '\0', r->text.len))
				rc = fail(r, Q_EINVALID, n, "json-to-xml: a key with U+0000 is not supported");
			if (!rc && json_object_getn(container, r->text.data ? r->text.data : "", r->text.len))
				rc = fail(r, Q_EINVALID, n, "json-to-xml: duplicate key '%.40s'",
					  r->text.data ? r->text.data : "");
			if (rc || json_object_setn_new(container, r->text.data ? r->text.data : "", r->text.len, v)) {
				if (rc)
					json_decref(v);
				return rc ? rc : nomem(r);
			}
			break;
		}
		case XML_COMMENT_NODE:
		case XML_PI_NODE:
			warn_once(r, WARN_COMMENT, "%s", "comments and processing instructions inside data are dropped");
			break;
		default:
			break;
		}
	}
	return 0;
}

static json_t *read_fn(struct reader *r, xmlNodePtr el, int depth, int in_map)
{
	static const char *const names[] = {"map", "array", "string", "number", "boolean", "null"};
	const char *name = (const char *)el->name;
	int type = -1, escaped = 0;
	if (depth > Q_MAX_DEPTH) {
		fail(r, Q_EDATA, el, "XML nested deeper than %d levels", Q_MAX_DEPTH);
		return NULL;
	}
	for (int i = 0; i < 6; i++)
		if (!strcmp(name, names[i]))
			type = i;
	if (!in_fn_ns(el) || type < 0) {
		fail(r, Q_EINVALID, el, "json-to-xml: unexpected element <%s>", name);
		return NULL;
	}
	int has_key = 0;
	for (xmlAttrPtr a = el->properties; a; a = a->next) {
		const char *an = (const char *)a->name;
		if (a->ns) {
			if (!strcmp((const char *)a->ns->href, Q_XML_FN_NAMESPACE)) {
				fail(r, Q_EINVALID, el, "json-to-xml: attribute %s in the function namespace", an);
				return NULL;
			}
			warn_once(r, WARN_FOREIGN, "%s", "json-to-xml: attributes in other namespaces are dropped");
			continue;
		}
		int rc, ok = 1;
		if (!strcmp(an, "key"))
			ok = in_map, has_key = 1;
		else if (!strcmp(an, "escaped-key") || !strcmp(an, "escaped")) {
			char *v = attr_copy(r, el, an, &rc);
			int b = v ? boolean_value(v) : -1;
			free(v);
			if (rc)
				return NULL;
			ok = b >= 0 && (an[7] ? in_map : type == 2);
			if (!an[7])
				escaped = b == 1;
		} else {
			ok = 0;
		}
		if (!ok) {
			fail(r, Q_EINVALID, el, "json-to-xml: attribute %s is not allowed on <%s> here", an, name);
			return NULL;
		}
	}
	if (in_map && !has_key) {
		fail(r, Q_EINVALID, el, "json-to-xml: <%s> in a map without a key attribute", name);
		return NULL;
	}
	json_t *v = NULL;
	if (type <= 1) {
		v = type == 0 ? json_object() : json_array();
		if (!v) {
			nomem(r);
			return NULL;
		}
		if (fn_children(r, el->children, v, depth)) {
			json_decref(v);
			return NULL;
		}
		return v;
	}
	q_buf_reset(&r->text);
	if (gather_text(r, el->children, 0))
		return NULL;
	if (r->text.failed) {
		nomem(r);
		return NULL;
	}
	const char *s = r->text.data ? r->text.data : "";
	switch (type) {
	case 2:
		if (escaped) {
			struct q_buf plain;
			q_buf_init(&plain, 0);
			if (unescape(s, r->text.len, &plain) == 0 && !plain.failed)
				v = json_stringn_nocheck(plain.data ? plain.data : "", plain.len);
			else if (!plain.failed)
				fail(r, Q_EINVALID, el, "json-to-xml: bad JSON escape in '%.40s'", s);
			q_buf_release(&plain);
		} else {
			v = json_stringn_nocheck(s, r->text.len);
		}
		break;
	case 3:
		if (lexical_number(&r->text, 0, &v))
			fail(r, Q_EINVALID, el, "json-to-xml: '%.40s' is not a JSON number (or out of range)", s);
		break;
	case 4: {
		int b = boolean_value(s);
		if (b < 0)
			fail(r, Q_EINVALID, el, "json-to-xml: '%.40s' is not a boolean", s);
		else
			v = json_boolean(b);
		break;
	}
	default:
		if (!is_ws_only(s, r->text.len))
			fail(r, Q_EINVALID, el, "json-to-xml: <null> holds text");
		else
			v = json_null();
	}
	if (!v && !r->err->code)
		nomem(r);
	return v;
}

/* ---- any other XML: JsonML ----------------------------------------------- */

static json_t *qualified(const xmlChar *prefix, const xmlChar *local)
{
	if (!prefix)
		return json_string_nocheck((const char *)local);
	size_t p = strlen((const char *)prefix), l = strlen((const char *)local);
	char small[128], *buf = p + l + 2 <= sizeof(small) ? small : malloc(p + l + 2);
	if (!buf)
		return NULL;
	memcpy(buf, prefix, p);
	buf[p] = ':';
	memcpy(buf + p + 1, local, l + 1);
	json_t *s = json_stringn_nocheck(buf, p + l + 1);
	if (buf != small)
		free(buf);
	return s;
}

/* Appends the pending text, if any, as one string. */
static int flush_text(struct reader *r, json_t *arr)
{
	if (r->text.failed)
		return nomem(r);
	if (r->text.len == 0)
		return 0;
	json_t *s = json_stringn_nocheck(r->text.data, r->text.len);
	q_buf_reset(&r->text);
	return !s || json_array_append_new(arr, s) ? nomem(r) : 0;
}

static int append(struct reader *r, json_t *arr, json_t *v)
{
	return !v || json_array_append_new(arr, v) ? nomem(r) : 0;
}

/* ["!--", text] or ["?target", data]. */
static json_t *comment_or_pi(xmlNodePtr n)
{
	json_t *tag = n->type == XML_COMMENT_NODE ? json_string("!--") : NULL;
	if (n->type == XML_PI_NODE) {
		size_t l = strlen((const char *)n->name);
		char *t = malloc(l + 2);
		if (t) {
			t[0] = '?';
			memcpy(t + 1, n->name, l + 1);
			tag = json_stringn_nocheck(t, l + 1);
			free(t);
		}
	}
	return json_pack("[os]", tag, n->content ? (const char *)n->content : "");
}

static json_t *read_jsonml(struct reader *r, xmlNodePtr el, int depth);

static int jsonml_children(struct reader *r, xmlNodePtr n, json_t *arr, int depth)
{
	for (; n; n = n->next) {
		switch (n->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE: {
			size_t len = n->content ? strlen((const char *)n->content) : 0;
			if (spend(r, len, n))
				return r->err->code;
			q_buf_append(&r->text, n->content, len);
			break;
		}
		case XML_ENTITY_REF_NODE: {
			xmlEntityPtr e = internal_entity(r, n);
			if (!e)
				break;
			if (enter_entity(r, n))
				return r->err->code;
			int rc = jsonml_children(r, e->children, arr, depth);
			r->entity_nesting--;
			if (rc)
				return rc;
			break;
		}
		case XML_ELEMENT_NODE:
			if (flush_text(r, arr) || spend(r, 16, n))
				return r->err->code;
			json_t *child = read_jsonml(r, n, depth + 1);
			if (!child)
				return r->err->code;
			if (json_array_append_new(arr, child))
				return nomem(r);
			break;
		case XML_COMMENT_NODE:
		case XML_PI_NODE:
			if (flush_text(r, arr) || spend(r, 16 + (n->content ? strlen((const char *)n->content) : 0), n) ||
			    append(r, arr, comment_or_pi(n)))
				return r->err->code;
			break;
		default:
			break;
		}
	}
	return 0;
}

/*
 * A namespace declaration's value.  Without XML_PARSE_NOENT libxml2 keeps
 * it as written in its attribute-value form: '&' as "&#38;" and entity
 * references as "&name;"; they are resolved here as in any attribute.
 */
static json_t *namespace_name(struct reader *r, const xmlChar *href)
{
	if (!href || !strchr((const char *)href, '&'))
		return json_string_nocheck(href ? (const char *)href : "");
	xmlNodePtr list = xmlStringGetNodeList(r->doc, href);
	q_buf_reset(&r->text);
	int rc = gather_text(r, list, 0);
	xmlFreeNodeList(list);
	if (!rc && r->text.failed)
		rc = nomem(r);
	json_t *v = rc ? NULL : json_stringn_nocheck(r->text.data ? r->text.data : "", r->text.len);
	q_buf_reset(&r->text);
	return v;
}

/* attrs[key] = v; takes both references, even on failure (1). */
static int set_member(json_t *attrs, json_t *key, json_t *v)
{
	int bad = !key || !v || json_object_set_new(attrs, json_string_value(key), json_incref(v));
	json_decref(key);
	json_decref(v);
	return bad;
}

static json_t *read_jsonml(struct reader *r, xmlNodePtr el, int depth)
{
	/* The array, its attributes object and the values in that. */
	if (depth + 2 > Q_MAX_DEPTH) {
		fail(r, Q_EDATA, el, "XML nested deeper than %d levels", Q_MAX_DEPTH - 2);
		return NULL;
	}
	json_t *arr = json_array();
	if (append(r, arr, qualified(el->ns ? el->ns->prefix : NULL, el->name)))
		goto fail;
	if (el->nsDef || el->properties) {
		json_t *attrs = json_object();
		if (append(r, arr, attrs))
			goto fail;
		for (xmlNsPtr ns = el->nsDef; ns; ns = ns->next) {
			json_t *k = qualified(ns->prefix ? BAD_CAST "xmlns" : NULL, ns->prefix ? ns->prefix : BAD_CAST "xmlns");
			json_t *v = namespace_name(r, ns->href);
			if (!v && r->err->code) {
				json_decref(k);
				goto fail;
			}
			if (set_member(attrs, k, v)) {
				nomem(r);
				goto fail;
			}
		}
		for (xmlAttrPtr a = el->properties; a; a = a->next) {
			int rc;
			json_t *k = qualified(a->ns ? a->ns->prefix : NULL, a->name);
			if (!k) {
				nomem(r);
				goto fail;
			}
			q_buf_reset(&r->text);
			rc = gather_text(r, a->children, 0);
			if (!rc && r->text.failed)
				rc = nomem(r);
			json_t *v = rc ? NULL : json_stringn_nocheck(r->text.data ? r->text.data : "", r->text.len);
			q_buf_reset(&r->text);
			int bad = set_member(attrs, k, v);
			if (bad) {
				if (!rc)
					nomem(r);
				goto fail;
			}
		}
	}
	if (jsonml_children(r, el->children, arr, depth) || flush_text(r, arr))
		goto fail;
	return arr;
fail:
	q_buf_reset(&r->text);
	json_decref(arr);
	return NULL;
}

static json_t *read_jsonml_document(struct reader *r, xmlNodePtr root)
{
	int others = 0;
	for (xmlNodePtr n = r->doc->children; n; n = n->next)
		others += n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE;
	if (!others)
		return read_jsonml(r, root, 1);
	json_t *doc = json_array();
	if (append(r, doc, json_string("#document")))
		goto fail;
	for (xmlNodePtr n = r->doc->children; n; n = n->next) {
		if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE) {
			if (append(r, doc, comment_or_pi(n)))
				goto fail;
		} else if (n->type == XML_ELEMENT_NODE) {
			json_t *el = read_jsonml(r, n, 2);
			if (!el || append(r, doc, el))
				goto fail;
		}
	}
	return doc;
fail:
	json_decref(doc);
	return NULL;
}

/* ---- q_xml_read ------------------------------------------------------------ */

/* Starts a new text node before libxml2's 10 MB limit on one node. */
static void split_characters(void *ctx, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr ctxt = ctx;
	xmlNodePtr last = ctxt && ctxt->node ? ctxt->node->last : NULL;
	if (last && last->type == XML_TEXT_NODE && last->name == xmlStringText &&
	    (size_t)ctxt->nodelen + (size_t)len > Q_XML_TEXT_SPLIT)
		last->name = xmlStringTextNoenc;
	xmlSAX2Characters(ctx, ch, len);
}

/* Warns when the document type declaration held more than entities. */
static void check_dtd(struct reader *r)
{
	xmlDtdPtr dtd = r->doc->intSubset;
	int lost = 0;
	if (!dtd)
		return;
	lost = dtd->ExternalID || dtd->SystemID;
	for (xmlNodePtr n = dtd->children; n && !lost; n = n->next)
		lost = n->type != XML_ENTITY_DECL;
	if (lost)
		warn_once(r, WARN_DTD, "%s",
			  "the document type declaration is dropped (its internal entities are expanded, "
			  "nothing else of it is kept)");
}

#define READ_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES | XML_PARSE_COMPACT)

/* q_xml_read; warned holds the warnings (WARN_…) not to give again. */
static int read_document(const char *data, size_t len, size_t *pos, const char *file,
			 json_t **value, struct q_error *err, unsigned warned)
{
	size_t p = *pos;
	struct reader r;
	struct capture cap;
	struct handlers h;
	struct q_error local;
	if (!err) {
		q_error_init(&local);
		err = &local;
	}
	*value = NULL;
	memset(&r, 0, sizeof(r));
	r.warned = warned;
	while (p < len && (data[p] == ' ' || data[p] == '\t' || data[p] == '\n' || data[p] == '\r'))
		r.line0 += data[p++] == '\n';
	if (p == len) {
		*pos = p;
		return 0;
	}
	if (len - p > INT_MAX)
		return q_error_msg(err, Q_ETOOBIG, file, "XML input larger than 2 GB");
	pthread_once(&setup.once, set_up);
	r.file = file;
	r.err = err;
	r.budget = (len - p) * Q_XML_EXPANSION_FACTOR + Q_XML_EXPANSION_FLOOR;
	q_buf_init(&r.text, 0);

	handlers_enter(&h, &cap);
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		handlers_leave(&h);
		return q_error_msg(err, Q_ENOMEM, file, "out of memory");
	}
	ctxt->sax->characters = split_characters;
	ctxt->sax->ignorableWhitespace = split_characters;
	r.doc = xmlCtxtReadMemory(ctxt, data + p, (int)(len - p), NULL, NULL, READ_OPTIONS);
	xmlNodePtr root = r.doc ? xmlDocGetRootElement(r.doc) : NULL;
	int rc = 0;
	if (cap.have || !r.doc || !ctxt->wellFormed || !root) {
		if (!cap.have)
			rc = q_error_msg(err, r.doc ? Q_ESYNTAX : Q_ENOMEM, file, "%s",
					 r.doc ? "invalid XML: no root element" : "out of memory");
		else if (cap.code == XML_ERR_ENTITY_LOOP)
			rc = q_error_set(err, Q_EDATA, file, cap.line + r.line0, cap.column, -1,
					 "entity expansion refused: %s (a loop, or far more text than the "
					 "document holds: billion laughs?)", cap.message);
		else
			rc = q_error_set(err, Q_ESYNTAX, file, cap.line + r.line0, cap.column, -1,
					 "invalid XML: %s", cap.message);
	} else {
		const char *ns = root->ns ? (const char *)root->ns->href : "";
		check_dtd(&r);
		if (!strcmp(ns, Q_XML_NAMESPACE) || !strcmp(ns, Q_XML_FN_NAMESPACE))
			for (xmlNodePtr n = r.doc->children; n; n = n->next)
				if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE)
					warn_once(&r, WARN_COMMENT, "%s",
						  "comments and processing instructions around data are dropped");
		if (!strcmp(ns, Q_XML_NAMESPACE))
			*value = read_quarry(&r, root);
		else if (!strcmp(ns, Q_XML_FN_NAMESPACE))
			*value = read_fn(&r, root, 1, 0);
		else
			*value = read_jsonml_document(&r, root);
		if (!*value)
			rc = err->code ? err->code : q_error_msg(err, Q_ENOMEM, file, "out of memory");
		else if (r.text.failed)
			rc = q_error_msg(err, Q_ENOMEM, file, "out of memory");
	}
	if (rc) {
		json_decref(*value);
		*value = NULL;
	}
	if (r.doc)
		xmlFreeDoc(r.doc);
	xmlFreeParserCtxt(ctxt);
	handlers_leave(&h);
	q_buf_release(&r.text);
	*pos = rc ? *pos : len;
	return rc;
}

int q_xml_read(const char *data, size_t len, size_t *pos, const char *file, json_t **value,
	       struct q_error *err)
{
	return read_document(data, len, pos, file, value, err, 0);
}

/* ---- q_xml_items: a json-to-xml <array> element by element --------------- */

/*
 * libxml2's xmlTextReader (same options, limits and entity loader as
 * q_xml_read) stops on the root; each child is expanded into a subtree,
 * mapped by read_fn exactly as fn_children would, and freed when the
 * reader moves on, so memory holds one element.  Documents this path
 * cannot map exactly as the tree does are left to q_xml_read: a document
 * type declaration (entities), comments or processing instructions around
 * the root (warned of first), attributes on the root, CDATA sections, or a run of text long
 * enough for the tree reader to split it.  On any error the whole input
 * is read again by q_xml_read, whose error (syntax first, then the first
 * mapping error in document order) is the one returned.
 */
struct q_xml_items {
	const char *data;
	size_t len;
	const char *file;
	xmlTextReaderPtr tr;
	struct capture cap;
	struct reader r;
	int inside; /* moved past the root's start tag */
	int done;
	int around; /* a comment or PI after the root */
};

/* Whether no text of data could reach the tree reader's split. */
static int short_texts(const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	if (memmem(data, len, "<![CDATA[", 9))
		return 0;
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		if (!lt)
			lt = end;
		if ((size_t)(lt - p) >= Q_XML_TEXT_SPLIT)
			return 0;
		p = lt + 1;
	}
	return 1;
}

/* Whether a comment or PI may follow the root (the tree reader warns of
 * those before anything else): the input ends with "-->" or "?>". */
static int ends_in_markup(const char *data, size_t len)
{
	while (len && (data[len - 1] == ' ' || data[len - 1] == '\t' || data[len - 1] == '\n' ||
		       data[len - 1] == '\r'))
		len--;
	return (len >= 3 && !memcmp(data + len - 3, "-->", 3)) ||
	       (len >= 2 && !memcmp(data + len - 2, "?>", 2));
}

void q_xml_items_close(struct q_xml_items *it)
{
	if (!it)
		return;
	if (it->tr)
		xmlFreeTextReader(it->tr);
	q_buf_release(&it->r.text);
	free(it);
}

/* Positions the reader on a root <array> that streams; 0 if it does not. */
static int items_start(struct q_xml_items *it)
{
	int ret;
	while ((ret = xmlTextReaderRead(it->tr)) == 1 && !it->cap.have) {
		int type = xmlTextReaderNodeType(it->tr);
		if (type != XML_READER_TYPE_ELEMENT)
			return 0; /* a document type, comment or PI before the root */
		const char *ns = (const char *)xmlTextReaderConstNamespaceUri(it->tr);
		const char *name = (const char *)xmlTextReaderConstLocalName(it->tr);
		if (!ns || strcmp(ns, Q_XML_FN_NAMESPACE) || !name || strcmp(name, "array") ||
		    xmlTextReaderIsEmptyElement(it->tr))
			return 0;
		while ((ret = xmlTextReaderMoveToNextAttribute(it->tr)) == 1)
			if (!xmlTextReaderIsNamespaceDecl(it->tr))
				return 0;
		return ret == 0 && !it->cap.have && xmlTextReaderMoveToElement(it->tr) >= 0;
	}
	return 0;
}

int q_xml_items_open(struct q_xml_items **itp, const char *data, size_t len, const char *file)
{
	struct handlers h;
	size_t p = 0;
	long line0 = 0;
	*itp = NULL;
	while (p < len && (data[p] == ' ' || data[p] == '\t' || data[p] == '\n' || data[p] == '\r'))
		line0 += data[p++] == '\n';
	if (p == len || len - p > INT_MAX || !short_texts(data + p, len - p) || ends_in_markup(data, len))
		return 0;
	struct q_xml_items *it = calloc(1, sizeof(*it));
	if (!it)
		return 0;
	pthread_once(&setup.once, set_up);
	it->data = data;
	it->len = len;
	it->file = file;
	it->r.file = file;
	it->r.line0 = line0;
	it->r.budget = (len - p) * Q_XML_EXPANSION_FACTOR + Q_XML_EXPANSION_FLOOR;
	q_buf_init(&it->r.text, 0);
	handlers_enter(&h, &it->cap);
	it->tr = xmlReaderForMemory(data + p, (int)(len - p), NULL, NULL, READ_OPTIONS);
	int ok = it->tr && items_start(it);
	handlers_leave(&h);
	if (!ok) {
		q_xml_items_close(it);
		return 0;
	}
	*itp = it;
	return 1;
}

/* Ends the stream on an error: q_xml_read's error for the whole input. */
static int items_fail(struct q_xml_items *it, struct q_error *err)
{
	struct q_error mine = *err, again;
	struct capture cap = it->cap;
	size_t pos = 0;
	json_t *v = NULL;
	xmlFreeTextReader(it->tr);
	it->tr = NULL;
	it->done = 1;
	q_error_init(&again);
	int rc = read_document(it->data, it->len, &pos, it->file, &v, &again, it->r.warned);
	json_decref(v);
	if (rc) {
		*err = again;
		return rc;
	}
	/* The tree reader took what the stream refused: keep the stream's error. */
	if (cap.have)
		return q_error_set(err, Q_ESYNTAX, it->file, cap.line + it->r.line0, cap.column, -1,
				   "invalid XML: %s", cap.message);
	if (mine.code) {
		*err = mine;
		return mine.code;
	}
	return q_error_msg(err, Q_EINTERNAL, it->file,
			   "the XML stream stopped where the document reader did not (a bug in quarry)");
}

static int items_step(struct q_xml_items *it, json_t **item)
{
	for (;;) {
		int ret = it->inside ? xmlTextReaderNext(it->tr) : xmlTextReaderRead(it->tr);
		it->inside = 1;
		if (ret != 1 || it->cap.have)
			return -1;
		int type = xmlTextReaderNodeType(it->tr);
		int depth = xmlTextReaderDepth(it->tr);
		if (depth == 0 && type == XML_READER_TYPE_END_ELEMENT) {
			/* The root is closed: the rest must be well-formed too. */
			while ((ret = xmlTextReaderRead(it->tr)) == 1 && !it->cap.have) {
				type = xmlTextReaderNodeType(it->tr);
				it->around |= type == XML_READER_TYPE_COMMENT ||
					      type == XML_READER_TYPE_PROCESSING_INSTRUCTION;
			}
			if (ret != 0 || it->cap.have)
				return -1;
			if (it->around)
				warn_once(&it->r, WARN_COMMENT, "%s",
					  "comments and processing instructions around data are dropped");
			it->done = 1;
			return 0;
		}
		if (depth != 1)
			return -1;
		switch (type) {
		case XML_READER_TYPE_ELEMENT: {
			xmlNodePtr n = xmlTextReaderExpand(it->tr);
			if (!n || it->cap.have)
				return -1;
			it->r.doc = n->doc; /* (xmlTextReaderCurrentDoc would keep it) */
			*item = read_fn(&it->r, n, 2, 0);
			if (!*item)
				return -1;
			if (it->r.text.failed) {
				json_decref(*item);
				*item = NULL;
				return -1;
			}
			return 0;
		}
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_WHITESPACE:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE: {
			const char *t = (const char *)xmlTextReaderConstValue(it->tr);
			if (t && !is_ws_only(t, strlen(t)))
				return -1;
			break;
		}
		case XML_READER_TYPE_COMMENT:
		case XML_READER_TYPE_PROCESSING_INSTRUCTION:
			warn_once(&it->r, WARN_COMMENT, "%s",
				  "comments and processing instructions inside data are dropped");
			break;
		default:
			return -1;
		}
	}
}

int q_xml_items_next(struct q_xml_items *it, json_t **item, struct q_error *err)
{
	struct handlers h;
	*item = NULL;
	if (it->done)
		return 0;
	it->r.err = err;
	handlers_enter(&h, &it->cap);
	int rc = items_step(it, item);
	handlers_leave(&h);
	if (rc)
		rc = items_fail(it, err);
	return rc;
}

/* ==== a user's XSD ====================================================== */

struct xsd_report {
	void (*report)(void *ctx, long line, const char *message);
	void *ctx;
	size_t count;
};

/* Every validity error, not only the first, goes to the report. */
static void report_error(void *ctx, xmlErrorPtr e)
{
	struct xsd_report *r = ctx;
	char message[Q_ERROR_MESSAGE_MAX];
	if (!e || e->level < XML_ERR_ERROR)
		return;
	snprintf(message, sizeof(message), "%s", e->message ? e->message : "invalid");
	for (char *p = message; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = *(p + 1) ? ' ' : '\0';
	r->count++;
	r->report(r->ctx, e->line, message);
}

int q_xml_validate_xsd(const char *xsd, size_t xsd_len, const char *xsd_name,
		       const char *data, size_t len, const char *file,
		       void (*report)(void *ctx, long line, const char *message),
		       void *ctx, struct q_error *err)
{
	struct capture cap;
	struct handlers h;
	struct xsd_report r = {report, ctx, 0};
	int rc = 0;
	quarry_xsd(err); /* sets libxml2 up: no network, no external entities */
	if (xsd_len > INT_MAX || len > INT_MAX)
		return q_error_msg(err, Q_ETOOBIG, file, "too large for libxml2");
	handlers_enter(&h, &cap);
	xmlSchemaPtr schema = NULL;
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(xsd, (int)xsd_len);
	if (pc) {
		xmlSchemaSetParserStructuredErrors(pc, capture_error, &cap);
		schema = xmlSchemaParse(pc);
		xmlSchemaFreeParserCtxt(pc);
	}
	if (!schema) {
		handlers_leave(&h);
		return q_error_set(err, Q_EINVALID, xsd_name, cap.line, cap.column, -1,
				   "not a usable XSD: %s", cap.have ? cap.message : "out of memory");
	}
	memset(&cap, 0, sizeof(cap));
	xmlDocPtr doc = xmlReadMemory(data, (int)len, file, NULL, READ_OPTIONS);
	if (!doc) {
		rc = q_error_set(err, Q_ESYNTAX, file, cap.line, cap.column, -1,
				 "invalid XML: %s", cap.have ? cap.message : "out of memory");
	} else {
		xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(schema);
		int vr = -1;
		if (v) {
			xmlSchemaSetValidStructuredErrors(v, report_error, &r);
			vr = xmlSchemaValidateDoc(v, doc);
			xmlSchemaFreeValidCtxt(v);
		}
		if (vr < 0)
			rc = q_error_msg(err, Q_ENOMEM, file, "the XSD validator failed (out of memory?)");
		else if (vr > 0 || r.count)
			rc = Q_EINVALID;
		xmlFreeDoc(doc);
	}
	xmlSchemaFree(schema);
	handlers_leave(&h);
	return rc;
}
