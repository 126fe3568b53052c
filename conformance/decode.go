package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// decodeJSON decodes a body as encoding/json decodes it into an any (objects as
// map[string]any, numbers as float64), about twice as fast and with a third of the
// allocations: the body becomes one string, and every key and plain string value is a
// substring of it. The fast path accepts a subset of what encoding/json accepts and builds the
// same value (FuzzDecodeJSON compares the two); anything else (an escape, a non-ASCII byte, a
// number out of range, a syntax error) goes to encoding/json, so the value and every error
// text stay encoding/json's.
func decodeJSON(b []byte) (any, error) {
	if len(b) == 0 {
		return nil, errors.New("empty body")
	}
	d := jsonParser{s: string(b)}
	d.space()
	v, ok := d.value(0)
	if d.space(); ok && d.i == len(d.s) {
		return v, nil
	}
	var slow any
	if err := json.Unmarshal(b, &slow); err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	return slow, nil
}

// jsonParser is the fast path of decodeJSON over a body held as one string.
type jsonParser struct {
	s string
	i int
}

// maxJSONDepth is encoding/json's own nesting bound: deeper bodies go to it for its error.
const maxJSONDepth = 10000

// member is one key and value of an object being read, before its map is made at its size.
type member struct {
	key   string
	value any
}

func (d *jsonParser) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// value reads one value at d.i, inside depth arrays and objects; ok is false where the
// fast path gives up.
func (d *jsonParser) value(depth int) (any, bool) {
	if d.i >= len(d.s) {
		return nil, false
	}
	switch c := d.s[d.i]; {
	case (c == '{' || c == '[') && depth >= maxJSONDepth:
		return nil, false
	case c == '{':
		return d.object(depth + 1)
	case c == '[':
		return d.array(depth + 1)
	case c == '"':
		s, ok := d.str()
		return s, ok
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return nil, false
}

func (d *jsonParser) literal(word string) bool {
	if len(d.s)-d.i >= len(word) && d.s[d.i:d.i+len(word)] == word {
		d.i += len(word)
		return true
	}
	return false
}

// str reads a string without escapes or non-ASCII bytes, which need encoding/json's
// unquoting (surrogates, U+FFFD for invalid UTF-8).
func (d *jsonParser) str() (string, bool) {
	start := d.i + 1
	for j := start; j < len(d.s); j++ {
		switch c := d.s[j]; {
		case c == '"':
			d.i = j + 1
			return d.s[start:j], true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return "", false
		}
	}
	return "", false
}

// number reads a number of RFC 8259's grammar and converts it as encoding/json does.
func (d *jsonParser) number() (any, bool) {
	start, j := d.i, d.i
	digits := func() int {
		n := 0
		for j < len(d.s) && d.s[j] >= '0' && d.s[j] <= '9' {
			j++
			n++
		}
		return n
	}
	if d.s[j] == '-' {
		j++
	}
	switch {
	case j < len(d.s) && d.s[j] == '0':
		j++
	case digits() == 0:
		return nil, false
	}
	if j < len(d.s) && d.s[j] == '.' {
		j++
		if digits() == 0 {
			return nil, false
		}
	}
	if j < len(d.s) && (d.s[j] == 'e' || d.s[j] == 'E') {
		j++
		if j < len(d.s) && (d.s[j] == '+' || d.s[j] == '-') {
			j++
		}
		if digits() == 0 {
			return nil, false
		}
	}
	f, err := strconv.ParseFloat(d.s[start:j], 64)
	if err != nil {
		return nil, false // out of range: encoding/json's error
	}
	d.i = j
	return f, true
}

func (d *jsonParser) object(depth int) (any, bool) {
	d.i++ // {
	d.space()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return map[string]any{}, true
	}
	var buf [8]member
	members := buf[:0]
	for {
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return nil, false
		}
		key, ok := d.str()
		if !ok {
			return nil, false
		}
		d.space()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return nil, false
		}
		d.i++
		d.space()
		v, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		members = append(members, member{key, v})
		d.space()
		if d.i >= len(d.s) {
			return nil, false
		}
		switch d.s[d.i] {
		case ',':
			d.i++
			d.space()
			continue
		case '}':
			d.i++
			m := make(map[string]any, len(members))
			for _, kv := range members {
				m[kv.key] = kv.value // a repeated key: the last one wins, as in encoding/json
			}
			return m, true
		}
		return nil, false
	}
}

func (d *jsonParser) array(depth int) (any, bool) {
	d.i++ // [
	d.space()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return []any{}, true
	}
	var buf [8]any
	items := buf[:0]
	for {
		v, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		items = append(items, v)
		d.space()
		if d.i >= len(d.s) {
			return nil, false
		}
		switch d.s[d.i] {
		case ',':
			d.i++
			d.space()
			continue
		case ']':
			d.i++
			return append([]any(nil), items...), true
		}
		return nil, false
	}
}
