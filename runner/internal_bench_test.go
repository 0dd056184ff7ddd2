package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

// BenchmarkJSONToCty converts a 10 kB JSON response to the value that
// expressions see.
func BenchmarkJSONToCty(b *testing.B) {
	items := make([]map[string]any, 50)
	for i := range items {
		items[i] = map[string]any{"id": fmt.Sprintf("item-%04d", i), "name": "widget", "price": 12.5, "tags": []string{"a", "b"}}
	}
	body, _ := json.Marshal(map[string]any{"items": items, "count": len(items)})
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		r := &response{body: bytes.Clone(body), status: 200}
		if v := r.value(); !v.IsKnown() {
			b.Fatal("unknown")
		}
	}
}
