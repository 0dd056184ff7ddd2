package view

import (
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles are the text styles of one output stream. They are made per
// writer, never global, so colour is decided where the text goes.
type Styles struct {
	Error, Warning, Pass, Fail, Skip, Dim, Bold, Highlight lipgloss.Style
}

// NewStyles returns styles for w: coloured when color is true (the caller
// decides: a terminal, and NO_COLOR unset), plain otherwise.
func NewStyles(w io.Writer, color bool) *Styles {
	r := lipgloss.NewRenderer(w)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return &Styles{
		Error:     r.NewStyle().Foreground(lipgloss.Color("9")).Bold(true),
		Warning:   r.NewStyle().Foreground(lipgloss.Color("11")).Bold(true),
		Pass:      r.NewStyle().Foreground(lipgloss.Color("10")).Bold(true),
		Fail:      r.NewStyle().Foreground(lipgloss.Color("9")).Bold(true),
		Skip:      r.NewStyle().Foreground(lipgloss.Color("11")),
		Dim:       r.NewStyle().Faint(true),
		Bold:      r.NewStyle().Bold(true),
		Highlight: r.NewStyle().Underline(true).Bold(true),
	}
}
