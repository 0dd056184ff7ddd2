// Package command is sigrun's command line: the cobra commands, their
// flags, the choice of colour, and the mapping of outcomes to exit codes.
//
// It owns the process-facing edge: everything it needs from the process
// (arguments, streams, environment, whether stdout is a terminal, the
// interrupt signal as a context) is passed in by main, so commands run the
// same in tests. It does not parse collections, run requests or render
// diagnostics itself: it wires dsl, runner and view together.
package command
