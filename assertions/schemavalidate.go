package assertions

import (
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// validateSafely runs the schema validator, turning a panic into an error.
// jsonschema/v6 dereferences nil for a number that big.Rat refuses (a
// response with 1e100000000 checked against minimum or multipleOf), and a
// response must never crash the run.
func validateSafely(s *jsonschema.Schema, inst any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the JSON Schema validator failed on this response (%v): a number in it is probably too large to compare", p)
		}
	}()
	return s.Validate(inst)
}
