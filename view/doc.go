// Package view is sigrun's human output: the per-request lines of a run,
// diagnostics rendered the way Terraform renders them (file:line:col, the
// source line with the expression marked, the value of each reference in
// it), outputs and the closing summary line. It styles text with lipgloss
// when writing to a terminal and writes plain text otherwise.
//
// It owns presentation only: it writes to the io.Writer it is given, never
// to the process's streams, and passes every string through the run's
// redactor so that no secret is shown. It does not decide outcomes (package
// runner) or what a check means (package assertions).
package view
