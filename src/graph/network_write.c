/*
 * The network written to GraphML and GML files.
 *
 * liqnet writes the files itself rather than with igraph's writers for two
 * reasons: igraph prints numbers with 15 significant digits, so a value such
 * as 0.1 + 0.2 would not read back to the same double, and its GraphML keys
 * share one id between a vertex and an edge attribute of the same name,
 * which strict GraphML readers reject. Here numbers are written in the
 * shortest form that reads back exactly (infinity as "Infinity" in GraphML,
 * which Java and Python parse, and "INF" in GML, which NetworkX parses),
 * keys are "v_NAME" and "e_NAME", and absent values (NaN numbers, empty strings) are left out, as
 * igraph's readers expect. Reading is network_io.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/network_internal.h"
#include "liqnet/error.h"

/* --------------------------------------------------------------- writing */

/* The shortest %.*g that reads back to x (whole numbers in plain digits);
 * "Inf", "-Inf" for infinities. */
void liq_format_number(char *buf, size_t size, double x)
{
    if (isinf(x)) {
        snprintf(buf, size, "%s", x > 0 ? "Inf" : "-Inf");
        return;
    }
    /* Whole numbers below 2^53 are exact in plain digits: 2000, not 2e+03. */
    if (x == floor(x) && fabs(x) < 9007199254740992.0) {
        snprintf(buf, size, "%.0f", x);
        return;
    }
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(buf, size, "%.*g", precision, x);
        if (strtod(buf, NULL) == x) {
            return;
        }
    }
}

/* XML and GML share the escaping of &, <, > and " as entities. */
static void liq_write_escaped(FILE *f, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static const char *liq_graphml_type(int type)
{
    return type == IGRAPH_ATTRIBUTE_NUMERIC  ? "double"
           : type == IGRAPH_ATTRIBUTE_STRING ? "string"
                                             : NULL;
}

/* An attribute's GML key: GML keys are letters, digits and underscores, so
 * the dots of a scenario-key attribute (`breaker.drop`) are written as two
 * underscores (`breaker__drop`), which the reader turns back. */
static void liq_write_gml_key(FILE *f, const char *attr)
{
    for (const char *c = attr; *c != '\0'; c++) {
        if (*c == '.') {
            fputs("__", f);
        } else {
            fputc(*c, f);
        }
    }
}

/* Writes one vertex's or edge's data elements (GraphML) or keys (GML). */
static void liq_write_values(FILE *f, const liq_network_t *net, int is_edge, size_t i, int gml)
{
    const size_t n = is_edge ? net->n_edge_attrs : net->n_vertex_attrs;
    char *const *names = is_edge ? net->edge_attr_name : net->vertex_attr_name;
    const int *types = is_edge ? net->edge_attr_type : net->vertex_attr_type;
    char number[40];
    for (size_t k = 0; k < n; k++) {
        const char *attr = names[k];
        if (types[k] == IGRAPH_ATTRIBUTE_NUMERIC) {
            const double x = is_edge ? liq_network_edge_number(net, i, attr)
                                     : liq_network_vertex_number(net, i, attr);
            if (isnan(x)) {
                continue;
            }
            if (isinf(x)) {
                /* Readable by igraph and by each format's other readers:
                 * Java and Python parse "Infinity", NetworkX's GML "INF". */
                snprintf(number, sizeof(number), "%s%s", x < 0 ? "-" : "",
                         gml ? "INF" : "Infinity");
            } else {
                liq_format_number(number, sizeof(number), x);
            }
            if (gml) {
                fputs("    ", f);
                liq_write_gml_key(f, attr);
                fprintf(f, " %s\n", number);
            } else {
                fprintf(f, "      <data key=\"%c_%s\">%s</data>\n", is_edge ? 'e' : 'v', attr,
                        number);
            }
        } else if (types[k] == IGRAPH_ATTRIBUTE_STRING) {
            const char *s = is_edge ? liq_network_edge_string(net, i, attr)
                                    : liq_network_vertex_string(net, i, attr);
            if (s[0] == '\0') {
                continue;
            }
            if (gml) {
                fputs("    ", f);
                liq_write_gml_key(f, attr);
                fputs(" \"", f);
                liq_write_escaped(f, s);
                fputs("\"\n", f);
            } else {
                fprintf(f, "      <data key=\"%c_%s\">", is_edge ? 'e' : 'v', attr);
                liq_write_escaped(f, s);
                fputs("</data>\n", f);
            }
        }
    }
}

static void liq_write_node_id(FILE *f, const liq_network_t *net, size_t v)
{
    fputs(liq_vertex_kind_name(liq_network_vertex_kind(net, v)), f);
    fputc(':', f);
    liq_write_escaped(f, liq_network_vertex_name(net, v));
}

static void liq_write_graphml(FILE *f, const liq_network_t *net)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
          "         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
          "         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns\n"
          "         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
          "<!-- liqnet network (MODEL.md s2): attributes in docs/network.md -->\n",
          f);
    for (int is_edge = 0; is_edge < 2; is_edge++) {
        const size_t n = is_edge ? net->n_edge_attrs : net->n_vertex_attrs;
        char *const *names = is_edge ? net->edge_attr_name : net->vertex_attr_name;
        const int *types = is_edge ? net->edge_attr_type : net->vertex_attr_type;
        for (size_t k = 0; k < n; k++) {
            const char *type = liq_graphml_type(types[k]);
            if (type != NULL) {
                fprintf(f, "  <key id=\"%c_%s\" for=\"%s\" attr.name=\"%s\" attr.type=\"%s\"/>\n",
                        is_edge ? 'e' : 'v', names[k], is_edge ? "edge" : "node", names[k], type);
            }
        }
    }
    fputs("  <graph id=\"G\" edgedefault=\"directed\">\n", f);
    for (size_t v = 0; v < net->n_vertices; v++) {
        fputs("    <node id=\"", f);
        liq_write_node_id(f, net, v);
        fputs("\">\n", f);
        liq_write_values(f, net, 0, v, 0);
        fputs("    </node>\n", f);
    }
    for (size_t e = 0; e < net->n_edges; e++) {
        size_t from, to;
        liq_network_edge_ends(net, e, &from, &to);
        fputs("    <edge source=\"", f);
        liq_write_node_id(f, net, from);
        fputs("\" target=\"", f);
        liq_write_node_id(f, net, to);
        fputs("\">\n", f);
        liq_write_values(f, net, 1, e, 0);
        fputs("    </edge>\n", f);
    }
    fputs("  </graph>\n</graphml>\n", f);
}

static void liq_write_gml(FILE *f, const liq_network_t *net)
{
    fputs("Creator \"liqnet network (MODEL.md s2): attributes in docs/network.md\"\n"
          "Version 1\ngraph\n[\n  directed 1\n",
          f);
    for (size_t v = 0; v < net->n_vertices; v++) {
        fprintf(f, "  node\n  [\n    id %zu\n", v);
        liq_write_values(f, net, 0, v, 1);
        fputs("  ]\n", f);
    }
    for (size_t e = 0; e < net->n_edges; e++) {
        size_t from, to;
        liq_network_edge_ends(net, e, &from, &to);
        fprintf(f, "  edge\n  [\n    source %zu\n    target %zu\n", from, to);
        liq_write_values(f, net, 1, e, 1);
        fputs("  ]\n", f);
    }
    fputs("]\n", f);
}

static int liq_ends_with(const char *s, const char *suffix)
{
    const size_t n = strlen(s), m = strlen(suffix);
    if (n < m) {
        return 0;
    }
    for (size_t i = 0; i < m; i++) {
        if (tolower((unsigned char)s[n - m + i]) != suffix[i]) {
            return 0;
        }
    }
    return 1;
}

int liq_resolve_format(liq_graph_format_t *format, const char *path)
{
    if (*format == LIQ_GRAPH_GRAPHML || *format == LIQ_GRAPH_GML) {
        return LIQ_OK;
    }
    if (liq_ends_with(path, ".graphml") || liq_ends_with(path, ".xml")) {
        *format = LIQ_GRAPH_GRAPHML;
    } else if (liq_ends_with(path, ".gml")) {
        *format = LIQ_GRAPH_GML;
    } else {
        return liq_error_set(LIQ_EINVAL,
                             "%s: cannot tell the graph format from the file name; expected an "
                             "extension .graphml, .xml or .gml",
                             path);
    }
    return LIQ_OK;
}

int liq_network_write(const liq_network_t *net, const char *path, liq_graph_format_t format)
{
    int rc = liq_resolve_format(&format, path);
    if (rc != LIQ_OK) {
        return rc;
    }
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        return liq_error_set(LIQ_EIO, "%s: cannot write: %s", path, strerror(errno));
    }
    if (format == LIQ_GRAPH_GRAPHML) {
        liq_write_graphml(f, net);
    } else {
        liq_write_gml(f, net);
    }
    const int failed = ferror(f);
    if (fclose(f) != 0 || failed) {
        return liq_error_set(LIQ_EIO, "%s: cannot write: %s", path, strerror(errno));
    }
    return LIQ_OK;
}
