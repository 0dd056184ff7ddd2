package assertions

import (
	"fmt"
	"sort"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Subset compares want against got, JSON-style: objects in got may have
// more attributes than want; lists must match element by element; numbers,
// strings, bools and null must be equal. It returns one line per mismatch,
// each starting with the JSON path of the mismatch ($.items[0].name).
func Subset(want, got cty.Value, path string) []string {
	want, _ = want.UnmarkDeep()
	got, _ = got.UnmarkDeep()
	wt, gt := want.Type(), got.Type()
	switch {
	case want.IsNull():
		if got.IsNull() {
			return nil
		}
		return []string{fmt.Sprintf("%s: want null, got %s", path, show(got))}
	case got.IsNull():
		return []string{fmt.Sprintf("%s: want %s, got null", path, show(want))}
	case wt.IsObjectType() || wt.IsMapType():
		if !(gt.IsObjectType() || gt.IsMapType()) {
			return []string{fmt.Sprintf("%s: want an object, got %s", path, show(got))}
		}
		gm := got.AsValueMap()
		wm := want.AsValueMap()
		keys := make([]string, 0, len(wm))
		for k := range wm {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			g, ok := gm[k]
			p := path + "." + k
			if !ok {
				out = append(out, fmt.Sprintf("%s: missing (want %s)", p, show(wm[k])))
				continue
			}
			out = append(out, Subset(wm[k], g, p)...)
		}
		return out
	case wt.IsTupleType() || wt.IsListType() || wt.IsSetType():
		if !(gt.IsTupleType() || gt.IsListType() || gt.IsSetType()) {
			return []string{fmt.Sprintf("%s: want an array, got %s", path, show(got))}
		}
		ws, gs := want.AsValueSlice(), got.AsValueSlice()
		if len(ws) != len(gs) {
			return []string{fmt.Sprintf("%s: want an array of %d elements, got %d", path, len(ws), len(gs))}
		}
		var out []string
		for i := range ws {
			out = append(out, Subset(ws[i], gs[i], fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	default:
		if wt != gt || !want.RawEquals(got) {
			if wt == cty.Number && gt == cty.Number && want.Equals(got).True() {
				return nil
			}
			return []string{fmt.Sprintf("%s: want %s, got %s", path, show(want), show(got))}
		}
		return nil
	}
}

// show renders a value as JSON, shortened.
func show(v cty.Value) string {
	const max = 80
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return v.GoString()
	}
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
