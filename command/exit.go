package command

import "fmt"

// Exit codes, as DESIGN.md defines them.
const (
	// ExitOK: everything passed.
	ExitOK = 0
	// ExitFailed: a check or request failed (or was skipped because of one).
	ExitFailed = 1
	// ExitInvalid: the collection or the command line is invalid.
	ExitInvalid = 2
	// ExitFmtChanges: fmt -check found files to change, as terraform fmt.
	ExitFmtChanges = 3
	// ExitInterrupted: the run was interrupted (SIGINT or SIGTERM).
	ExitInterrupted = 130
)

// exitError carries an exit code out of a command. Its message, when not
// empty, is printed as one line on stderr.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func exitf(code int, format string, args ...any) error {
	return &exitError{code: code, msg: fmt.Sprintf(format, args...)}
}

// silentExit ends a command with code after it has printed what it had to.
func silentExit(code int) error { return &exitError{code: code} }
