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
#include <datetime.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ----------------------------------------------------------------------------------------- */
/* XML nesting depth: _prescan._Depth._walk                                                    */

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
/* One block of an XML part: _prescan._scan_part's checks                                      */

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

/* the bytes scan_block looks at: '<', '/', ':' and 'e' (the middle of "e"); set at import */
static unsigned char SCAN_CLASS[256];

/* What scan_block counts: over a chunk (lt, closes, special, selfclose) and over the block. */
typedef struct {
    const char *d, *p;
    Py_ssize_t n, pn;
    int sheet;
    long long lt, closes, special, selfclose;
    Py_ssize_t rows, cells, plain, valued;
    long long max_row, max_col;
    int bang, literal;
} scan_state;

/* Count the byte at i, one of SCAN_CLASS's; returns the first index after the bytes it took
 * (i + 2 for a '<' followed by '/', whose '/' it counted too; else i + 1). */
static inline Py_ssize_t
scan_byte(scan_state *st, Py_ssize_t i)
{
    const char *d = st->d;
    Py_ssize_t n = st->n, pn = st->pn;
    char c = d[i];
    if (c == '<') {
        st->lt++;
        if (i + 1 >= n)
            return i + 1;
        char next = d[i + 1];
        if (next == '/') {
            st->closes++;
            /* the '/' seen here, so that the loop need not visit it: "</>" holds a "/>" */
            if (i + 2 < n && d[i + 2] == '>')
                st->selfclose++;
            /* an end tag of a cell: b'</' + prefix + b'c>' */
            if (st->sheet && i + 4 + pn <= n && (pn == 0 || memcmp(d + i + 2, st->p, (size_t)pn) == 0) &&
                d[i + 2 + pn] == 'c' && d[i + 3 + pn] == '>')
                st->valued++;
            return i + 2;
        }
        if (next == '?' || next == '!') {
            st->special++;
            st->bang |= next == '!';
            return i + 1;
        }
        if (next == 'f')
            st->literal = 1;
        if (!st->sheet)
            return i + 1;
        Py_ssize_t k = i + 1;
        if (pn) {
            if (k + pn > n || memcmp(d + k, st->p, (size_t)pn) != 0)
                return i + 1;
            k += pn;
        }
        if (k + 3 <= n && d[k] == 'r' && d[k + 1] == 'o' && d[k + 2] == 'w') {
            st->rows++;
            return i + 1;
        }
        if (k + 2 > n || d[k] != 'c' || (d[k + 1] != ' ' && d[k + 1] != '>'))
            return i + 1;
        st->cells++;
        if (pn || k + 5 > n || memcmp(d + k, "c r=\"", 5) != 0)
            return i + 1;
        st->plain++;
        plain_ref(d, n, k + 2, &st->max_row, &st->max_col);
    }
    else if (c == '/') {
        if (i + 1 < n && d[i + 1] == '>')
            st->selfclose++;
    }
    else if (c == ':') {
        if (i + 1 < n && d[i + 1] == 'f')
            st->literal = 1;
    }
    else if (c == 'e') {
        /* a quote, 'e' and a quote: "e", 'e', "e' or 'e" */
        if (i >= 1 && i + 1 < n && (d[i - 1] == '"' || d[i - 1] == '\'') && (d[i + 1] == '"' || d[i + 1] == '\''))
            st->literal = 1;
    }
    return i + 1;
}

/* scan_byte over each byte of d[pos:end] that SCAN_CLASS marks, but those before *taken */
static void
scan_chunk(scan_state *st, Py_ssize_t pos, Py_ssize_t end)
{
    const char *d = st->d;
    Py_ssize_t i = pos, taken = pos;
#ifdef __SSE2__
    /* 16 bytes at a time: the positions of the four bytes, as a bit mask, then each in turn */
    const __m128i lt = _mm_set1_epi8('<'), slash = _mm_set1_epi8('/'), colon = _mm_set1_epi8(':'),
                  e = _mm_set1_epi8('e');
    for (; i + 16 <= end; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(d + i));
        unsigned int m = (unsigned int)_mm_movemask_epi8(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, slash)),
                         _mm_or_si128(_mm_cmpeq_epi8(v, colon), _mm_cmpeq_epi8(v, e))));
        while (m) {
            Py_ssize_t k = i + __builtin_ctz(m);
            m &= m - 1;
            if (k >= taken)
                taken = scan_byte(st, k);
        }
    }
#endif
    for (; i < end; i++)
        if (SCAN_CLASS[(unsigned char)d[i]] && i >= taken)
            taken = scan_byte(st, i);
}


PyDoc_STRVAR(scan_block_doc,
"scan_block(data, depth, limit, chunk, prefix) -> (depth, bang, literal, rows, cells, plain, max_row, max_col, valued)\n\n"
"One pass over a block of an XML part (which ends just after a '>', or is the part's last), giving\n"
"what _prescan._scan_part computes on it in Python:\n"
"- depth: the nesting depth after the block, as _Depth.feed_python counts it chunk by chunk\n"
"  (chunk bytes apart), or -1 when it goes past limit;\n"
"- bang: whether b'<!' occurs (where a DTD could start);\n"
"- literal: whether the block holds one of _CANDIDATE_LITERALS (_has_literal);\n"
"- for a sheet part (prefix not None), what _Shape.feed counts: rows (b'<' + prefix + b'row'),\n"
"  cells (b'<' + prefix + b'c ' and b'<' + prefix + b'c>'), and without a prefix, the plain cells\n"
"  (b'<c r=\"') and the farthest row and 1-based column over the matches of _PLAIN_REF, and the\n"
"  cells with an end tag (b'</' + prefix + b'c>'); zeros otherwise.");

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
    scan_state st = {0};
    st.d = d;
    st.p = p;
    st.n = n;
    st.pn = pn;
    st.sheet = sheet;
    int deep = 0;

    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t pos = 0;
    while (pos < n) {
        /* _Depth.feed_python: end = data.find(b">", min(pos + chunk, n - 1)); n if none, else end + 1 */
        Py_ssize_t from = pos + chunk < n - 1 ? pos + chunk : n - 1;
        const char *gt = memchr(d + from, '>', (size_t)(n - from));
        Py_ssize_t end = gt == NULL ? n : (gt - d) + 1;
        st.lt = st.closes = st.special = st.selfclose = 0;
        scan_chunk(&st, pos, end);
        long long lt = st.lt, closes = st.closes, special = st.special, selfclose = st.selfclose;
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
        "(LOOnnnLLn)", deep ? -1LL : depth, st.bang ? Py_True : Py_False, st.literal ? Py_True : Py_False,
        st.rows, st.cells, st.plain, st.max_row, st.max_col, st.valued);
}

/* ----------------------------------------------------------------------------------------- */
/* BIFF records: the walk of _scan_biff.scan_biff_sheet                                          */

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
"The records from pos up to the first EOF that _scan_biff.scan_biff_sheet looks into: every FORMULA\n"
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
/* Roster rows: the common rows of roster.read_roster                                          */


/* Whether an 18-character ASCII ID (17 digits and a digit or X) is valid: a birth date from
 * 1870-01-01 to as_of (YYYYMMDD as a number) and the ISO 7064 MOD 11-2 check character. */
static int
plain_id_ok(const unsigned char *id, long as_of)
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const int month_days[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    long born = 0;
    for (int i = 6; i < 14; i++)
        born = born * 10 + (id[i] - '0');
    if (born < 18700101L || born > as_of)
        return 0;
    long year = born / 10000;
    int month = (int)(born / 100 % 100), day = (int)(born % 100);
    if (month < 1 || month > 12 || day < 1 || day > month_days[month])
        return 0;
    if (month == 2 && day == 29 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
        return 0;
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (id[i] - '0') * weights[i];
    int check = id[17] == 'X' ? 10 : id[17] - '0';
    return (sum + check) % 11 == 1;
}

/* The 18 characters of a plain ID (exact str, ASCII, 17 digits and a digit or X), or NULL. */
static const unsigned char *
plain_id(PyObject *o)
{
    if (!PyUnicode_CheckExact(o) || PyUnicode_GET_LENGTH(o) != 18 || !PyUnicode_IS_ASCII(o))
        return NULL;
    const unsigned char *id = PyUnicode_1BYTE_DATA(o);
    for (int i = 0; i < 17; i++)
        if (id[i] < '0' || id[i] > '9')
            return NULL;
    if ((id[17] < '0' || id[17] > '9') && id[17] != 'X')
        return NULL;
    return id;
}

PyDoc_STRVAR(plain_id_valid_doc,
"plain_id_valid(text, as_of) -> bool | None\n\n"
"None when text is not a plain ID (a str of 17 ASCII digits and a digit or X); else whether it is\n"
"valid as roster.check_id judges it, with as_of the YYYYMMDD number of the latest birth date.");

static PyObject *
plain_id_valid(PyObject *self, PyObject *args)
{
    PyObject *text;
    long as_of;
    if (!PyArg_ParseTuple(args, "Ol", &text, &as_of))
        return NULL;
    const unsigned char *id = plain_id(text);
    if (id == NULL)
        Py_RETURN_NONE;
    return PyBool_FromLong(plain_id_ok(id, as_of));
}

/* how many distinct categories roster_rows keeps counts of itself in one call */
#define ROSTER_CATEGORIES 32

/* by_category[category] += more (its value there, an int, looked up now) */
static int
add_count(PyObject *by_category, PyObject *category, Py_ssize_t more)
{
    PyObject *count = PyDict_GetItemWithError(by_category, category);
    if (count == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetObject(PyExc_KeyError, category);
        return -1;
    }
    Py_INCREF(count);
    PyObject *delta = PyLong_FromSsize_t(more);
    if (delta == NULL) {
        Py_DECREF(count);
        return -1;
    }
    PyObject *sum = PyNumber_Add(count, delta);
    Py_DECREF(delta);
    Py_DECREF(count);
    if (sum == NULL)
        return -1;
    int failed = PyDict_SetItem(by_category, category, sum);
    Py_DECREF(sum);
    return failed;
}

PyDoc_STRVAR(roster_rows_doc,
"roster_rows(grid, r, end, ic, dc, cc, year, as_of, seen, cat_cache, by_category) -> int\n\n"
"How many rows from r on (before end) are common rows of roster.read_roster, counting them as it\n"
"would: a list row long enough, a plain valid ID (plain_id_valid) not in seen, a datetime.date in\n"
"year in column dc (when dc >= 0), and in column cc (when cat_cache is not None) a str whose\n"
"category cat_cache already knows and by_category holds. Each such row's ID goes into seen (the\n"
"row number as value) and its category's count in by_category goes up by one. Stops at the first\n"
"other row, touching nothing of it: read_roster handles that row itself.");

static PyObject *
roster_rows(PyObject *self, PyObject *args)
{
    PyObject *grid, *seen, *cat_cache, *by_category;
    Py_ssize_t r, end, ic, dc, cc;
    int year;
    long as_of;
    if (!PyArg_ParseTuple(args, "O!nnnnnilO!OO!", &PyList_Type, &grid, &r, &end, &ic, &dc, &cc, &year,
                          &as_of, &PyDict_Type, &seen, &cat_cache, &PyDict_Type, &by_category))
        return NULL;
    if (cat_cache != Py_None && !PyDict_Check(cat_cache)) {
        PyErr_SetString(PyExc_TypeError, "cat_cache must be a dict or None");
        return NULL;
    }
    int cats = cat_cache != Py_None;
    Py_ssize_t need = ic;
    if (dc > need)
        need = dc;
    if (cats && cc > need)
        need = cc;
    if (ic < 0 || (cats && cc < 0))
        return PyLong_FromSsize_t(0);
    /* the categories counted so far in this call and how many rows each, added to by_category
     * once at the end (a category whose count is not yet known here is looked up there once) */
    PyObject *cat_seen[ROSTER_CATEGORIES];
    Py_ssize_t cat_more[ROSTER_CATEGORIES];
    int n_cats = 0;
    Py_ssize_t done = 0;
    for (; r < end && r < PyList_GET_SIZE(grid); r++) {
        PyObject *line = PyList_GET_ITEM(grid, r);
        if (!PyList_CheckExact(line) || PyList_GET_SIZE(line) <= need)
            break;
        PyObject *raw_id = PyList_GET_ITEM(line, ic);
        const unsigned char *id = plain_id(raw_id);
        if (id == NULL || !plain_id_ok(id, as_of))
            break;
        if (dc >= 0) {
            PyObject *when = PyList_GET_ITEM(line, dc);
            if (!PyDate_CheckExact(when) || PyDateTime_GET_YEAR(when) != year)
                break;
        }
        int slot = -1;
        if (cats) {
            PyObject *text = PyList_GET_ITEM(line, cc);
            if (!PyUnicode_CheckExact(text))
                break;
            PyObject *category = PyDict_GetItemWithError(cat_cache, text);
            if (category == NULL) {
                if (PyErr_Occurred())
                    goto fail;
                break;
            }
            if (category == Py_None)
                break;
            for (int k = 0; k < n_cats; k++)
                if (cat_seen[k] == category) {
                    slot = k;
                    break;
                }
            if (slot < 0) {
                PyObject *count = PyDict_GetItemWithError(by_category, category);
                if (count == NULL) {
                    if (PyErr_Occurred())
                        goto fail;
                    break;
                }
                if (n_cats == ROSTER_CATEGORIES)
                    break; /* more categories than kept here: read_roster's loop counts the row */
                slot = n_cats++;
                Py_INCREF(category);
                cat_seen[slot] = category;
                cat_more[slot] = 0;
            }
        }
        int found = PyDict_Contains(seen, raw_id);
        if (found < 0)
            goto fail;
        if (found)
            break;
        /* a common row: count it */
        PyObject *row = PyLong_FromSsize_t(r);
        if (row == NULL)
            goto fail;
        int failed = PyDict_SetItem(seen, raw_id, row);
        Py_DECREF(row);
        if (failed)
            goto fail;
        if (slot >= 0)
            cat_more[slot]++;
        done++;
    }
    for (int k = 0; k < n_cats; k++) {
        if (cat_more[k] && add_count(by_category, cat_seen[k], cat_more[k]) < 0)
            goto fail;
        Py_CLEAR(cat_seen[k]);
    }
    return PyLong_FromSsize_t(done);
fail:
    for (int k = 0; k < n_cats; k++)
        Py_XDECREF(cat_seen[k]);
    return NULL;
}

/* ----------------------------------------------------------------------------------------- */
/* The cells of a worksheet part: _scan._ooxml_cells_python                                     */

/* \s of a bytes pattern */
static int
re_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* [\w:.-] of a bytes pattern */
static int
re_name(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == ':' || c == '.' || c == '-';
}

/* whether lit (k > 0 bytes) occurs in d[from:to] */
static int
holds(const char *d, Py_ssize_t from, Py_ssize_t to, const char *lit, Py_ssize_t k)
{
    while (to - from >= k) {
        const char *hit = memchr(d + from, lit[0], (size_t)(to - from - k + 1));
        if (hit == NULL)
            return 0;
        if (memcmp(hit, lit, (size_t)k) == 0)
            return 1;
        from = (hit - d) + 1;
    }
    return 0;
}

/* _CELL_START (rb"<c[\s/>]") at d[i] */
static int
cell_start(const char *d, Py_ssize_t n, Py_ssize_t i)
{
    return i + 2 < n && d[i] == '<' && d[i + 1] == 'c' &&
           (re_space((unsigned char)d[i + 2]) || d[i + 2] == '/' || d[i + 2] == '>');
}

PyDoc_STRVAR(ooxml_cells_doc,
"ooxml_cells(data, with_values) -> list of (attrs, content) or None\n\n"
"What _scan._ooxml_cells_python gives: the cells _scan._CELL matches in a worksheet part that may\n"
"hold a formula, an error or (with_values) a value, as the bytes of the pattern's two groups\n"
"(b'' for a cell written as <c .../>); None when some b'<c' of _CELL_START is not the start of a\n"
"match (a cell the pattern does not take whole, or one inside another).");

/* The pattern, <c ATTRS \s* (/> | > .*? </c\s*>) with ATTRS = (\s+[\w:.-]+\s*=\s*("[^"<]*"|'[^'<]*'))*,
 * has one way to match at a given '<c': each attribute's parts are delimited by bytes the part
 * before cannot hold, so the repetition takes as many attributes as it can and backtracking
 * gives nothing more; the content is lazy, so it ends at the first </c\s*>. Every match starts
 * at a _CELL_START and no two overlap, so the counts differ exactly when a _CELL_START outside the
 * matches fails to match or one lies inside a match's content. */
static PyObject *
ooxml_cells(PyObject *self, PyObject *args)
{
    Py_buffer buf;
    int with_values;
    if (!PyArg_ParseTuple(args, "y*p", &buf, &with_values))
        return NULL;
    const char *d = buf.buf;
    Py_ssize_t n = buf.len, pos = 0;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        goto fail;
    for (;;) {
        const char *lt = pos < n ? memchr(d + pos, '<', (size_t)(n - pos)) : NULL;
        if (lt == NULL)
            break;
        Py_ssize_t p = lt - d;
        if (!cell_start(d, n, p)) {
            pos = p + 1;
            continue;
        }
        Py_ssize_t q = p + 2, attrs_end = q;
        for (;;) { /* one attribute: \s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*') */
            Py_ssize_t r = q;
            if (r >= n || !re_space((unsigned char)d[r]))
                break;
            while (r < n && re_space((unsigned char)d[r]))
                r++;
            if (r >= n || !re_name((unsigned char)d[r]))
                break;
            while (r < n && re_name((unsigned char)d[r]))
                r++;
            while (r < n && re_space((unsigned char)d[r]))
                r++;
            if (r >= n || d[r] != '=')
                break;
            r++;
            while (r < n && re_space((unsigned char)d[r]))
                r++;
            if (r >= n || (d[r] != '"' && d[r] != '\''))
                break;
            char quote = d[r++];
            while (r < n && d[r] != quote && d[r] != '<')
                r++;
            if (r >= n || d[r] != quote)
                break;
            q = attrs_end = r + 1;
        }
        Py_ssize_t r = attrs_end, cs = 0, ce = 0, end;
        while (r < n && re_space((unsigned char)d[r]))
            r++;
        if (r + 1 < n && d[r] == '/' && d[r + 1] == '>') {
            end = r + 2;
        }
        else if (r < n && d[r] == '>') {
            cs = ce = r + 1;
            end = -1;
            while (end < 0) { /* the first </c\s*> */
                const char *close = ce < n ? memchr(d + ce, '<', (size_t)(n - ce)) : NULL;
                if (close == NULL)
                    break;
                ce = close - d;
                if (ce + 2 < n && d[ce + 1] == '/' && d[ce + 2] == 'c') {
                    Py_ssize_t j = ce + 3;
                    while (j < n && re_space((unsigned char)d[j]))
                        j++;
                    if (j < n && d[j] == '>') {
                        end = j + 1;
                        break;
                    }
                }
                ce++;
            }
            if (end < 0)
                goto bail; /* no end: this _CELL_START does not match */
            for (Py_ssize_t i = cs; i < ce; i++)
                if (d[i] == '<' && cell_start(d, n, i))
                    goto bail; /* a cell inside the cell */
        }
        else {
            goto bail;
        }
        Py_ssize_t a0 = p + 2;
        if (holds(d, cs, ce, "<f", 2) || holds(d, cs, ce, ":", 1) ||
            (with_values && holds(d, cs, ce, "<v", 2)) || holds(d, a0, attrs_end, "\"e\"", 3) ||
            holds(d, a0, attrs_end, "'e'", 3) || holds(d, a0, attrs_end, "&", 1)) {
            PyObject *item = Py_BuildValue("(y#y#)", d + a0, attrs_end - a0, d + cs, ce - cs);
            if (item == NULL)
                goto fail;
            int err = PyList_Append(out, item);
            Py_DECREF(item);
            if (err < 0)
                goto fail;
        }
        pos = end;
    }
    PyBuffer_Release(&buf);
    return out;
bail:
    Py_DECREF(out);
    PyBuffer_Release(&buf);
    Py_RETURN_NONE;
fail:
    Py_XDECREF(out);
    PyBuffer_Release(&buf);
    return NULL;
}

/* ----------------------------------------------------------------------------------------- */

static PyMethodDef native_methods[] = {
    {"scan_block", scan_block, METH_VARARGS, scan_block_doc},
    {"plain_id_valid", plain_id_valid, METH_VARARGS, plain_id_valid_doc},
    {"roster_rows", roster_rows, METH_VARARGS, roster_rows_doc},
    {"biff_records", biff_records, METH_VARARGS, biff_records_doc},
    {"ooxml_cells", ooxml_cells, METH_VARARGS, ooxml_cells_doc},
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
    SCAN_CLASS['<'] = SCAN_CLASS['/'] = SCAN_CLASS[':'] = SCAN_CLASS['e'] = 1;
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL)
        return NULL;
    return PyModule_Create(&native_module);
}
