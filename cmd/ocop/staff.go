package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/producer"
)

// grantStaffCmd makes the account with the identifier (email or phone)
// staff of the provinces' department of kind; each grant is audited as the
// system.
func grantStaffCmd(ctx context.Context, cfg config.Config, identifier, kind string, provinces []string, stdout io.Writer) error {
	pool, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	svc := producer.New(pool, nil, nil)
	sys := producer.System
	for _, code := range provinces {
		uid, err := svc.SetStaffProvince(ctx, sys, identifier, code, kind, true)
		var fe apperr.FieldErrors
		if errors.As(err, &fe) {
			keys := make([]string, 0, len(fe))
			for k := range fe {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			return fmt.Errorf("%s %s: %s", identifier, code, fe[keys[0]])
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "account %d is now staff of province %s (%s)\n", uid, code, kind)
	}
	return nil
}
