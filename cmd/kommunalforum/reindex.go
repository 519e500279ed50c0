package main

import (
	"context"
	"errors"
	"io"
)

func cmdReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("reindex: not built yet")
}
