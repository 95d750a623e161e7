package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/config"
)

// stdin is where create-admin reads the password; tests replace it.
var stdin io.Reader = os.Stdin

// createAdminCmd creates an admin account (or promotes the existing one
// and sets its password), reading the password from the first line of
// stdin so it never appears in the process list or shell history.
func createAdminCmd(ctx context.Context, cfg config.Config, log *slog.Logger, identifier string, stdout io.Writer) error {
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return fmt.Errorf("read the password from stdin: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return fmt.Errorf("give the password on stdin, e.g. ocop create-admin %s < password-file", identifier)
	}
	pool, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	u, err := account.New(pool, account.Options{Log: log}).CreateAdmin(ctx, identifier, pw)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "admin account %d (%s%s) ready; sign in at %s/dang-nhap\n", u.ID, u.Email, u.Phone, cfg.BaseURL)
	return nil
}
