package pgsearch_test

import (
	"testing"

	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/search"
	"github.com/ocopvn/ocop/search/pgsearch"
	"github.com/ocopvn/ocop/search/searchtest"
)

func TestConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Index { return pgsearch.New(pgtest.NewDB(t)) })
}
