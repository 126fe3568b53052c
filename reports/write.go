package reports

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteAll writes every format of the report into dir: report.json (the result model, the
// input of diff and merge), junit.xml (for CI test-report pages), summary.md (for a PR
// comment or $GITHUB_STEP_SUMMARY) and report.html (for people). It writes what it can and
// returns every failure, each naming its file.
func WriteAll(dir string, r *Report) error {
	var errs []error
	if err := r.WriteJSON(dir); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, WriteStream(dir, "junit.xml", r.writeJUnit))
	errs = append(errs, WriteFile(dir, "summary.md", r.Markdown()))
	errs = append(errs, WriteStream(dir, "report.html", r.writeHTML))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("writing the report to %s: %w", dir, err)
	}
	return nil
}

// PrepareDir makes sure the report directory can take the reports before a run sends
// anything: it is created (0700: the reports hold a target's answers) when missing, must be a
// directory, and a file can be created in it. A run that would find out only at the end has
// already changed the target's state.
func PrepareDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	info, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	probe, err := os.CreateTemp(dir, ".conformance-probe-*")
	if err != nil {
		return fmt.Errorf("%s is not writable: %w", dir, err)
	}
	name := probe.Name()
	probe.Close()
	return os.Remove(name)
}

// WriteFile writes dir/name with mode 0600, never through a symlink: the data goes to a new
// file in dir that is then renamed over the name, which replaces a symlink planted there
// instead of writing to where it points, and leaves no half-written report behind.
func WriteFile(dir, name string, data []byte) error {
	return WriteStream(dir, name, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteStream writes dir/name as WriteFile does, from what write sends to w (buffered): a
// large report goes to its file as it is rendered, never whole into memory first.
func WriteStream(dir, name string, write func(w io.Writer) error) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+name+"-*")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(tmp, 64<<10)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, name))
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
