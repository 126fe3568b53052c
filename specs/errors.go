package specs

import "fmt"

// Error is a problem in one document, placed at a line and column where the libraries know
// them, so that it reads like a compiler's message: "specs: zstack-iam2.yaml:18:23: ...".
type Error struct {
	File   string // base name of the document
	Line   int    // 1-based; 0 when unknown
	Column int    // 1-based; 0 when unknown
	Err    error
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("specs: %s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
	case e.Line > 0:
		return fmt.Sprintf("specs: %s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("specs: %s: %v", e.File, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }
