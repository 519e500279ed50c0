package main

import (
	"context"
	"errors"
	"io"
)

func cmdDigest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("digest: not built yet")
}
