/* minsheng.sheets._native: the byte scans of minsheng.sheets done in C.
 *
 * Each function here computes exactly what a pure-Python function of minsheng.sheets computes
 * (named in its docstring), which stays the reference: the package works without this module, and
 * tests/test_native.py checks the two give the same answers on crafted and random input.
 *
 * Everything here only reads the bytes it is given, within their length: no allocation grows
 * with the input except the result list of biff_records (one entry per record asked for).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

/* ----------------------------------------------------------------------------------------- */
/* XML nesting depth: _limits._Depth._walk                                                     */

/* _Depth._walk over data[pos:end]: the tags as rb"<(/?)[^<>]*?(/?)>" finds them. Returns the
 * new depth, or -1 when a tag goes deeper than limit. */
static long long
walk_tags(const char *d, Py_ssize_t pos, Py_ssize_t end, long long depth, long long limit)
{
    Py_ssize_t i = pos;
    while (i < end) {
        const char *lt = memchr(d + i, '<', (size_t)(end - i));
        if (lt == NULL)
            break;
        i = lt - d;
        /* the next '<' or '>' after this '<' decides: a tag only when it is a '>' */
        Py_ssize_t j = i + 1;
        while (j < end && d[j] != '<' && d[j] != '>')
            j++;
        if (j >= end || d[j] == '<') {
            i = j;
            continue;
        }
        /* a tag d[i..j] */
        if (i + 1 < j && (d[i + 1] == '?' || d[i + 1] == '!')) {
            /* skipped: <? ... > and <! ... > */
        }
        else if (i + 1 < j && d[i + 1] == '/') {
            depth = depth > 0 ? depth - 1 : 0;
        }
        else if (j - 1 > i && d[j - 1] == '/') {
            /* <x/> opens and closes one level deeper */
            if (depth + 1 > limit)
                return -1;
        }
        else {
            depth += 1;
            if (depth > limit)
                return -1;
        }
        i = j + 1;
    }
    return depth;
}

/* ----------------------------------------------------------------------------------------- */
/* One block of an XML part: _limits._scan_part's checks                                       */

/* the farthest plain cell: _PLAIN_REF = rb'<c r="([A-Z]{1,4})(\d{1,8})"[^<>]*(?<!/)>' matched at
 * k, the 'r' of an occurrence of '<c r="' (whose '<' is at k - 3) */
static void
plain_ref(const char *d, Py_ssize_t n, Py_ssize_t k, long long *max_row, long long *max_col)
{
    long long col = 0, row = 0;
    int letters = 0, digits = 0;
    k += 3; /* past r=" */
    while (k < n && d[k] >= 'A' && d[k] <= 'Z' && letters < 5) {
        col = col * 26 + (d[k] - 'A' + 1);
        letters++;
        k++;
    }
    if (letters > 4 || letters < 1)
        return;
    while (k < n && d[k] >= '0' && d[k] <= '9' && digits < 9) {
        row = row * 10 + (d[k] - '0');
        digits++;
        k++;
    }
    if (digits > 8 || digits < 1 || k >= n || d[k] != '"')
        return;
    k++;
    while (k < n && d[k] != '<' && d[k] != '>')
        k++;
    if (k >= n || d[k] != '>' || d[k - 1] == '/')
        return;
    if (row > *max_row)
        *max_row = row;
    if (col > *max_col)
        *max_col = col;
}

PyDoc_STRVAR(scan_block_doc,
"scan_block(data, depth, limit, chunk, prefix) -> (depth, bang, literal, rows, cells, plain, max_row, max_col)\n\n"
"One pass over a block of an XML part (which ends just after a '>', or is the part's last), giving\n"
"what _limits._scan_part computes on it in Python:\n"
"- depth: the nesting depth after the block, as _Depth.feed_python counts it chunk by chunk\n"
"  (chunk bytes apart), or -1 when it goes past limit;\n"
"- bang: whether b'<!' occurs (where a DTD could start);\n"
"- literal: whether the block holds one of _CANDIDATE_LITERALS (_has_literal);\n"
"- for a sheet part (prefix not None), what _Shape.feed counts: rows (b'<' + prefix + b'row'),\n"
"  cells (b'<' + prefix + b'c ' and b'<' + prefix + b'c>'), and without a prefix, the plain cells\n"
"  (b'<c r=\"') and the farthest row and 1-based column over the matches of _PLAIN_REF; zeros\n"
"  otherwise.");

/* Every text counted starts with '<' and holds no other '<' (a prefix is \w+:), so no two
 * occurrences share a '<': counting them at each '<' gives what bytes.count gives. A block's
 * chunks end just after a '>', so looking past a chunk's end (never past the block's) at a '<'
 * or a '/' counts what bytes.count over the chunk counts. */
static PyObject *
scan_block(PyObject *self, PyObject *args)
{
    Py_buffer buf, pre;
    long long depth, limit;
    Py_ssize_t chunk;
    PyObject *prefix;
    if (!PyArg_ParseTuple(args, "y*LLnO", &buf, &depth, &limit, &chunk, &prefix))
        return NULL;
    int sheet = prefix != Py_None;
    if (sheet && PyObject_GetBuffer(prefix, &pre, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&buf);
        return NULL;
    }
    if (chunk < 1 || (sheet && pre.len && memchr(pre.buf, '<', (size_t)pre.len) != NULL)) {
        if (sheet)
            PyBuffer_Release(&pre);
        PyBuffer_Release(&buf);
        PyErr_SetString(PyExc_ValueError, "chunk must be positive and a prefix holds no '<'");
        return NULL;
    }
    const char *d = buf.buf;
    const char *p = sheet ? pre.buf : NULL;
    Py_ssize_t n = buf.len, pn = sheet ? pre.len : 0;
    Py_ssize_t rows = 0, cells = 0, plain = 0;
    long long max_row = 0, max_col = 0;
    int bang = 0, literal = 0, deep = 0;

    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t pos = 0;
    while (pos < n) {
        /* _Depth.feed_python: end = data.find(b">", min(pos + chunk, n - 1)); n if none, else end + 1 */
        Py_ssize_t from = pos + chunk < n - 1 ? pos + chunk : n - 1;
        const char *gt = memchr(d + from, '>', (size_t)(n - from));
        Py_ssize_t end = gt == NULL ? n : (gt - d) + 1;
        long long lt = 0, closes = 0, special = 0, selfclose = 0;
        for (Py_ssize_t i = pos; i < end; i++) {
            char c = d[i];
            if (c == '<') {
                lt++;
                if (i + 1 >= n)
                    continue;
                char next = d[i + 1];
                if (next == '/') {
                    closes++;
                    continue;
                }
                if (next == '?' || next == '!') {
                    special++;
                    bang |= next == '!';
                    continue;
                }
                if (next == 'f')
                    literal = 1;
                if (!sheet)
                    continue;
                Py_ssize_t k = i + 1;
                if (pn) {
                    if (k + pn > n || memcmp(d + k, p, (size_t)pn) != 0)
                        continue;
                    k += pn;
                }
                if (k + 3 <= n && d[k] == 'r' && d[k + 1] == 'o' && d[k + 2] == 'w') {
                    rows++;
                    continue;
                }
                if (k + 2 > n || d[k] != 'c' || (d[k + 1] != ' ' && d[k + 1] != '>'))
                    continue;
                cells++;
                if (pn || k + 5 > n || memcmp(d + k, "c r=\"", 5) != 0)
                    continue;
                plain++;
                plain_ref(d, n, k + 2, &max_row, &max_col);
            }
            else if (c == '/') {
                if (i + 1 < n && d[i + 1] == '>')
                    selfclose++;
            }
            else if (c == ':') {
                if (i + 1 < n && d[i + 1] == 'f')
                    literal = 1;
            }
            else if (c == '"' || c == '\'') {
                if (i + 2 < n && d[i + 1] == 'e' && (d[i + 2] == '"' || d[i + 2] == '\''))
                    literal = 1;
            }
        }
        if (!deep) {
            if (depth + lt > limit) {
                depth = walk_tags(d, pos, end, depth, limit);
                if (depth < 0)
                    deep = 1; /* the rest of the block is still scanned, for bang */
            }
            else {
                long long next = depth + lt - special - 2 * closes - selfclose;
                depth = next > 0 ? next : 0;
            }
        }
        pos = end;
    }
    Py_END_ALLOW_THREADS
    if (sheet)
        PyBuffer_Release(&pre);
    PyBuffer_Release(&buf);
    return Py_BuildValue(
        "(LOOnnnLL)", deep ? -1LL : depth, bang ? Py_True : Py_False, literal ? Py_True : Py_False,
        rows, cells, plain, max_row, max_col);
}

/* ----------------------------------------------------------------------------------------- */
/* BIFF records: the walk of _scan.scan_biff_sheet                                               */

#define BIFF_FORMULA 0x0006
#define BIFF_BOOLERR 0x0205
#define BIFF_NUMBER 0x0203
#define BIFF_RK 0x027E
#define BIFF_MULRK 0x00BD
#define BIFF_EOF 0x000A

static unsigned int
u16(const unsigned char *p)
{
    return (unsigned int)p[0] | ((unsigned int)p[1] << 8);
}

PyDoc_STRVAR(biff_records_doc,
"biff_records(stream, pos, percent) -> [(type, start, end), ...]\n\n"
"The records from pos up to the first EOF that _scan.scan_biff_sheet looks into: every FORMULA\n"
"and BOOLERR, and when percent (a bitmap of 8192 bytes, bit xf set for a percent XF) is given,\n"
"the NUMBER and RK records (6 bytes or more) whose XF is set and the MULRK records (6 bytes or\n"
"more) one of whose XFs is set. start and end delimit the record's data in stream.");

static PyObject *
biff_records(PyObject *self, PyObject *args)
{
    Py_buffer buf, bits;
    Py_ssize_t pos;
    PyObject *percent;
    if (!PyArg_ParseTuple(args, "y*nO", &buf, &pos, &percent))
        return NULL;
    int have_bits = 0;
    if (percent != Py_None) {
        if (PyObject_GetBuffer(percent, &bits, PyBUF_SIMPLE) < 0) {
            PyBuffer_Release(&buf);
            return NULL;
        }
        have_bits = 1;
        if (bits.len != 8192) {
            PyBuffer_Release(&bits);
            PyBuffer_Release(&buf);
            PyErr_SetString(PyExc_ValueError, "percent must be 8192 bytes");
            return NULL;
        }
    }
    const unsigned char *s = buf.buf;
    const unsigned char *bm = have_bits ? bits.buf : NULL;
    Py_ssize_t n = buf.len;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        goto done;
    if (pos < 0)
        pos = 0;
    while (pos + 4 <= n) {
        unsigned int typ = u16(s + pos), length = u16(s + pos + 2);
        Py_ssize_t start = pos + 4;
        Py_ssize_t end = start + length;
        pos = end;
        int want = 0;
        if (typ == BIFF_EOF)
            break;
        if (typ == BIFF_FORMULA || typ == BIFF_BOOLERR) {
            want = 1;
        }
        else if (bm != NULL && (typ == BIFF_NUMBER || typ == BIFF_RK || typ == BIFF_MULRK)) {
            /* the record's data as Python slices it: stream[start:end], cut at the end */
            Py_ssize_t stop = end < n ? end : n;
            Py_ssize_t len = stop > start ? stop - start : 0;
            if (len >= 6) {
                if (typ == BIFF_MULRK) {
                    for (Py_ssize_t k = 0; k < (len - 6) / 6; k++) {
                        unsigned int xf = u16(s + start + 4 + 6 * k);
                        if (bm[xf >> 3] & (1u << (xf & 7))) {
                            want = 1;
                            break;
                        }
                    }
                }
                else {
                    unsigned int xf = u16(s + start + 4);
                    want = (bm[xf >> 3] & (1u << (xf & 7))) != 0;
                }
            }
        }
        if (want) {
            PyObject *item = Py_BuildValue("(Inn)", typ, start, end);
            if (item == NULL || PyList_Append(out, item) < 0) {
                Py_XDECREF(item);
                Py_CLEAR(out);
                goto done;
            }
            Py_DECREF(item);
        }
    }
done:
    if (have_bits)
        PyBuffer_Release(&bits);
    PyBuffer_Release(&buf);
    return out;
}

/* ----------------------------------------------------------------------------------------- */

static PyMethodDef native_methods[] = {
    {"scan_block", scan_block, METH_VARARGS, scan_block_doc},
    {"biff_records", biff_records, METH_VARARGS, biff_records_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT,
    "minsheng.sheets._native",
    "The byte scans of minsheng.sheets in C (optional; the pure-Python ones are the reference).",
    -1,
    native_methods,
};

PyMODINIT_FUNC
PyInit__native(void)
{
    return PyModule_Create(&native_module);
}
