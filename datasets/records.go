package datasets

import "io"

// recordsSource yields rows that code produces (OpenRecords).
type recordsSource struct {
	next func() ([]string, error)
	done func() error
	line int64
}

func (s *recordsSource) read() ([]string, int64, error) {
	rec, err := s.next()
	if err != nil {
		return nil, 0, err
	}
	s.line++
	return rec, s.line, nil
}

func (s *recordsSource) close() error {
	if s.done == nil {
		return nil
	}
	return s.done()
}

// OpenRecords is Open for a table whose rows code produces as text, such
// as the rows of the lead store: header names the columns, and next
// returns each row aligned with it (a slice it may reuse) and io.EOF after
// the last. The rows go through the same type inference, missing markers,
// declared types and value errors as a CSV file's, so the same text read
// from a file or from next gives the same Table. name stands for the file
// in messages, and a row's line is its 1-based number. done, when not nil,
// is called by Close.
func OpenRecords(name string, header []string, next func() ([]string, error), done func() error, opt ReadOptions) (*Reader, error) {
	if next == nil {
		next = func() ([]string, error) { return nil, io.EOF }
	}
	return openWith(name, "records", opt, func(r *Reader) error {
		src := &recordsSource{next: next, done: done}
		if err := setupText(r, header, 0, src, true); err != nil {
			src.close()
			return err
		}
		return nil
	})
}
