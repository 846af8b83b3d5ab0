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
/* XML nesting depth: _limits._Depth.feed and _Depth._walk                                     */

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

PyDoc_STRVAR(depth_feed_doc,
"depth_feed(data, depth, limit, chunk) -> int\n\n"
"What _limits._Depth.feed computes: the nesting depth after data, counted chunk by chunk, or -1\n"
"when it goes past limit.");

static PyObject *
depth_feed(PyObject *self, PyObject *args)
{
    Py_buffer buf;
    long long depth, limit;
    Py_ssize_t chunk;
    if (!PyArg_ParseTuple(args, "y*LLn", &buf, &depth, &limit, &chunk))
        return NULL;
    if (chunk < 1) {
        PyBuffer_Release(&buf);
        PyErr_SetString(PyExc_ValueError, "chunk must be positive");
        return NULL;
    }
    const char *d = buf.buf;
    Py_ssize_t n = buf.len;
    Py_ssize_t pos = 0;
    long long result = depth;
    Py_BEGIN_ALLOW_THREADS
    while (pos < n) {
        /* end = data.find(b">", min(pos + chunk, n - 1)); n if none, else end + 1 */
        Py_ssize_t from = pos + chunk < n - 1 ? pos + chunk : n - 1;
        const char *gt = memchr(d + from, '>', (size_t)(n - from));
        Py_ssize_t end = gt == NULL ? n : (gt - d) + 1;
        long long lt = 0, closes = 0, special = 0, selfclose = 0;
        for (Py_ssize_t i = pos; i < end; i++) {
            char c = d[i];
            if (c == '<') {
                lt++;
                if (i + 1 < end) {
                    char next = d[i + 1];
                    if (next == '/')
                        closes++;
                    else if (next == '?' || next == '!')
                        special++;
                }
            }
            else if (c == '/' && i + 1 < end && d[i + 1] == '>') {
                selfclose++;
            }
        }
        if (result + lt > limit) {
            result = walk_tags(d, pos, end, result, limit);
            if (result < 0)
                break;
        }
        else {
            long long next = result + lt - special - 2 * closes - selfclose;
            result = next > 0 ? next : 0;
        }
        pos = end;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&buf);
    return PyLong_FromLongLong(result);
}

/* ----------------------------------------------------------------------------------------- */
/* Sheet part counts and extent: _limits._Shape.feed's counts and the _PLAIN_REF findall         */

PyDoc_STRVAR(sheet_counts_doc,
"sheet_counts(data, prefix) -> (rows, cells, plain, max_row, max_col)\n\n"
"What _limits._Shape.feed counts in data: rows (b'<' + prefix + b'row'), cells (b'<' + prefix +\n"
"b'c ' and b'<' + prefix + b'c>'), and without a prefix, the plain cells (b'<c r=\"') and the\n"
"farthest row and 1-based column over the matches of _PLAIN_REF (0, 0 when none).");

/* Every one of these texts starts with '<' and holds no other '<' (a prefix is \w+:), so no two
 * occurrences share a '<': counting them at each '<' gives what bytes.count gives. */
static PyObject *
sheet_counts(PyObject *self, PyObject *args)
{
    Py_buffer buf, pre;
    if (!PyArg_ParseTuple(args, "y*y*", &buf, &pre))
        return NULL;
    const char *d = buf.buf;
    const char *p = pre.buf;
    Py_ssize_t n = buf.len, pn = pre.len;
    Py_ssize_t rows = 0, cells = 0, plain = 0;
    long long max_row = 0, max_col = 0;
    if (pn && memchr(p, '<', (size_t)pn) != NULL) {
        PyBuffer_Release(&buf);
        PyBuffer_Release(&pre);
        PyErr_SetString(PyExc_ValueError, "a prefix holds no '<'");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t i = 0;
    while (i < n) {
        const char *hit = memchr(d + i, '<', (size_t)(n - i));
        if (hit == NULL)
            break;
        Py_ssize_t k = (hit - d) + 1;
        i = k;
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
        /* _PLAIN_REF = rb'<c r="([A-Z]{1,4})(\d{1,8})"[^<>]*(?<!/)>', only without a prefix */
        if (pn || k + 5 > n || memcmp(d + k, "c r=\"", 5) != 0)
            continue;
        plain++;
        k += 5;
        long long col = 0, row = 0;
        int letters = 0, digits = 0;
        while (k < n && d[k] >= 'A' && d[k] <= 'Z' && letters < 5) {
            col = col * 26 + (d[k] - 'A' + 1);
            letters++;
            k++;
        }
        if (letters > 4 || letters < 1)
            continue;
        while (k < n && d[k] >= '0' && d[k] <= '9' && digits < 9) {
            row = row * 10 + (d[k] - '0');
            digits++;
            k++;
        }
        if (digits > 8 || digits < 1 || k >= n || d[k] != '"')
            continue;
        k++;
        while (k < n && d[k] != '<' && d[k] != '>')
            k++;
        if (k >= n || d[k] != '>' || d[k - 1] == '/')
            continue;
        if (row > max_row)
            max_row = row;
        if (col > max_col)
            max_col = col;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&buf);
    PyBuffer_Release(&pre);
    return Py_BuildValue("(nnnLL)", rows, cells, plain, max_row, max_col);
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
    {"depth_feed", depth_feed, METH_VARARGS, depth_feed_doc},
    {"sheet_counts", sheet_counts, METH_VARARGS, sheet_counts_doc},
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
