package tomlpos

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"gridbox/internal/spell"
)

// A Table is a TOML table being decoded: the top level, a [table], an
// element of an array of tables, or an inline table. A decoder makes one
// per table and reads its keys with the getters below, which check each
// value's type and range against the caller's schema and record what is
// wrong in P, at the value. A getter returns false for a key that is
// missing or wrong, and the zero value with it.
type Table struct {
	P *Problems
	M map[string]any // the table, as the TOML parser decoded it
	N *Node          // its path; nil for the top level

	// Where says where the table is, for unknown keys: "at the top
	// level", "in [audio]", "in [[track]]".
	Where string
	// Prefix names the table's keys in messages, before the key itself:
	// "audio." for audio.rate, "note " for note key, "" at the top level.
	Prefix string
}

// Child returns the path of key k of t.
func (t *Table) Child(k string) *Node { return t.N.Child(k) }

// Has reports whether t has key k.
func (t *Table) Has(k string) bool {
	_, ok := t.M[k]
	return ok
}

// What names key k of t in messages: "rate" becomes "audio.rate".
func (t *Table) What(k string) string { return t.Prefix + k }

// TypeErr records that key k holds v where want was expected: "audio.rate:
// expected a whole number, got string "fast"".
func (t *Table) TypeErr(k, want string, v any) {
	t.P.Addf(t.Child(k), true, "%s: expected %s, got %s", t.What(k), want, spell.Describe(v))
}

// Unknown records every key of t that is not in valid, at the key: "unknown
// key "temp" at the top level; did you mean "tempo"?". It suggests the
// nearest valid key; failing that, elsewhere's advice for the key (where it
// belongs instead, say), when elsewhere is not nil and has any; failing
// that, it lists the valid keys. The messages are built only for the
// problems that will be shown (see Problems.AddLater).
func (t *Table) Unknown(valid []string, elsewhere func(k string) string) {
	where := t.Where
	for _, k := range slices.Sorted(maps.Keys(t.M)) {
		if slices.Contains(valid, k) {
			continue
		}
		t.P.AddLater(t.Child(k), false, func(*Index) string {
			hint := spell.DidYouMean(k, valid, false)
			if hint == "" && elsewhere != nil {
				hint = elsewhere(k)
			}
			if hint == "" {
				hint = "; valid keys are " + strings.Join(valid, ", ")
			}
			return fmt.Sprintf("unknown key %s %s%s", spell.Quote(k), where, hint)
		})
	}
}

// Require reports whether t has key k, and records msg at the table if
// not.
func (t *Table) Require(k, msg string) bool {
	if t.Has(k) {
		return true
	}
	t.P.Add(t.N, true, msg)
	return false
}

// Str returns the string at k; want says what was expected in the message
// for another type ("a string", `a set file's path or "last"`).
func (t *Table) Str(k, want string) (string, bool) {
	v, ok := t.M[k]
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		t.TypeErr(k, want, v)
		return "", false
	}
	return s, true
}

// Int returns the whole number at k, which must be in lo..hi. A float with
// no fractional part (48000.0) counts as whole.
func (t *Table) Int(k string, lo, hi int) (int, bool) {
	v, ok := t.M[k]
	if !ok {
		return 0, false
	}
	return t.P.Int(t.Child(k), t.What(k), v, lo, hi)
}

// Num returns the number at k, which must be in lo..hi.
func (t *Table) Num(k string, lo, hi float64) (float64, bool) {
	v, ok := t.M[k]
	if !ok {
		return 0, false
	}
	f, isNum := Number(v)
	if !isNum {
		t.P.Addf(t.Child(k), true, "%s: expected a number, got %s", t.What(k), spell.Describe(v))
		return 0, false
	}
	if !(f >= lo && f <= hi) {
		t.P.Addf(t.Child(k), true, "%s %s is out of range %s..%s", t.What(k), spell.Value(v), spell.Number(lo), spell.Number(hi))
		return 0, false
	}
	return f, true
}

// Bool returns the boolean at k.
func (t *Table) Bool(k string) (bool, bool) {
	v, ok := t.M[k]
	if !ok {
		return false, false
	}
	b, ok := v.(bool)
	if !ok {
		t.TypeErr(k, "true or false", v)
		return false, false
	}
	return b, true
}

// Enum returns the index in names of the word at k, ignoring case and
// surrounding spaces.
func (t *Table) Enum(k string, names []string) (int, bool) {
	s, ok := t.Str(k, "one of "+strings.Join(names, ", "))
	if !ok {
		return 0, false
	}
	for i, name := range names {
		if strings.EqualFold(strings.TrimSpace(s), name) {
			return i, true
		}
	}
	t.P.Addf(t.Child(k), true, "%s %s: expected one of %s%s", t.What(k), spell.Quote(s), strings.Join(names, ", "), spell.DidYouMean(s, names, false))
	return 0, false
}

// Tables returns the tables of the array of tables at k, written as
// [[header]] sections or as an array of inline tables, at most limit of
// them (plural names them in the message for more). Their Where and Prefix
// are left for the caller to set.
func (t *Table) Tables(k, header, plural string, limit int) []*Table {
	v, ok := t.M[k]
	if !ok {
		return nil
	}
	n := t.Child(k)
	var out []*Table
	switch v := v.(type) {
	case []map[string]any:
		for i, m := range v {
			out = append(out, &Table{P: t.P, M: m, N: n.Elem(i)})
		}
	case []any:
		for i, e := range v {
			if m, ok := e.(map[string]any); ok {
				out = append(out, &Table{P: t.P, M: m, N: n.Elem(i)})
			} else {
				t.P.Addf(n.Elem(i), true, "%s: expected a table, got %s", k, spell.Describe(e))
			}
		}
	case map[string]any:
		hint := ""
		for _, sub := range slices.Sorted(maps.Keys(v)) {
			if _, ok := v[sub].([]map[string]any); ok {
				hint = fmt.Sprintf(" (is a %s line missing above [[%s.%s]]?)", header, k, sub)
				break
			}
		}
		t.P.Addf(n, false, "%s must be a list of %s tables: write %s with double brackets%s", k, header, header, hint)
		return nil
	default:
		t.TypeErr(k, "a list of "+header+" tables", v)
		return nil
	}
	if len(out) > limit {
		t.P.Addf(out[limit].N, false, "too many %s: %d; the limit is %d", plural, len(out), limit)
		out = out[:limit]
	}
	return out
}

// Sub returns the [k] table at key k of the top level t, or nil if there
// is none or it is not a single table (which is recorded). Its keys are
// named "k.key" in messages.
func (t *Table) Sub(k string) *Table {
	v, ok := t.M[k]
	if !ok {
		return nil
	}
	n := t.Child(k)
	switch v := v.(type) {
	case map[string]any:
		return &Table{P: t.P, M: v, N: n, Where: "in [" + k + "]", Prefix: k + "."}
	case []map[string]any:
		t.P.Addf(n, false, "%s must be a single [%s] table: write [%s] with single brackets", k, k, k)
	default:
		t.P.Addf(n, true, "%s: expected an [%s] table, got %s", k, k, spell.Describe(v))
	}
	return nil
}

// Int returns v, the value at n that messages call what, as a whole number
// in lo..hi (see Whole), or records why it is not one at n's value. It is
// Table.Int for values that are not at a key of their own, such as an
// array's elements.
func (p *Problems) Int(n *Node, what string, v any, lo, hi int) (int, bool) {
	i, msg := Whole(what, v, lo, hi)
	if msg != "" {
		p.Add(n, true, msg)
		return 0, false
	}
	return i, true
}

// MaxChars reports whether s, the value at n that messages call what, is at
// most max characters long, and records that it is too long if not.
func (p *Problems) MaxChars(n *Node, what, s string, max int) bool {
	if c := utf8.RuneCountInString(s); c > max {
		p.Addf(n, true, "%s is %d characters long; the limit is %d", what, c, max)
		return false
	}
	return true
}
