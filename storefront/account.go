package storefront

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/web"
	"github.com/ocopvn/ocop/storefront/ui"
)

// SignUpForm is the sign-up form.
type SignUpForm struct {
	Identifier  string
	DisplayName string
	Password    string
}

// SignInForm is the sign-in form.
type SignInForm struct {
	Identifier string
	Password   string
	Next       string
}

// ForgotForm asks for a reset link.
type ForgotForm struct{ Identifier string }

type signUpPage struct {
	BasePage
	Form    SignUpForm
	Errors  apperr.FieldErrors
	Message string
}

type signInPage struct {
	BasePage
	Form    SignInForm
	Message string
}

type forgotPage struct {
	BasePage
	Form    ForgotForm
	Message string
	Sent    bool
}

type resetPage struct {
	BasePage
	Token   string
	Valid   bool
	Message string
}

type accountPage struct {
	BasePage
	Roles   []string
	Message string
}

// authBase is the layout's data of an account page titled by titleKey.
func (h *Handler) authBase(c *fiber.Ctx, titleKey string) BasePage {
	return h.site.Form(c, T(titleKey))
}

func (h *Handler) showSignUp(c *fiber.Ctx) error {
	return h.site.Render(c, "signup", signUpPage{BasePage: h.authBase(c, "auth.signup")})
}

func (h *Handler) saveSignUp(c *fiber.Ctx) error {
	f := SignUpForm{Identifier: c.FormValue("identifier"), DisplayName: c.FormValue("display_name"), Password: c.FormValue("password")}
	_, err := h.accounts.Register(c.UserContext(), account.SignUp(f))
	if err != nil {
		p := signUpPage{BasePage: h.authBase(c, "auth.signup"), Form: f}
		p.Form.Password = ""
		var fe apperr.FieldErrors
		switch {
		case errors.As(err, &fe):
			p.Errors, p.Message = fe, T("auth.fix_fields")
		case errors.Is(err, account.ErrTaken):
			p.Message = account.ErrTaken.Message
		default:
			return err
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return h.site.Render(c, "signup", p)
	}
	// sign straight in: a new session, whatever cookie came with the form
	tok, pr, err := h.accounts.SignIn(c.UserContext(), f.Identifier, f.Password, c.IP())
	if err != nil {
		return c.Redirect("/dang-nhap", fiber.StatusSeeOther)
	}
	h.replaceSession(c, tok, pr)
	h.mergeGuestCart(c, pr.User.ID)
	return c.Redirect("/tai-khoan?moi=1", fiber.StatusSeeOther)
}

// replaceSession ends the request's old session, if any, and starts tok.
func (h *Handler) replaceSession(c *fiber.Ctx, tok string, p *account.Principal) {
	if old := web.SessionToken(c); old != "" {
		_ = h.accounts.SignOut(c.UserContext(), old)
	}
	web.StartSession(c, tok, p)
}

func (h *Handler) showSignIn(c *fiber.Ctx) error {
	p := signInPage{BasePage: h.authBase(c, "auth.signin"), Form: SignInForm{Next: web.SafeRedirect(c.Query("next"))}}
	p.Message = ui.Flash(c, "doi-mat-khau", map[string]string{"1": T("auth.reset_done")})
	return h.site.Render(c, "signin", p)
}

func (h *Handler) saveSignIn(c *fiber.Ctx) error {
	f := SignInForm{Identifier: c.FormValue("identifier"), Password: c.FormValue("password"), Next: web.SafeRedirect(c.FormValue("next"))}
	tok, p, err := h.accounts.SignIn(c.UserContext(), f.Identifier, f.Password, c.IP())
	if err != nil {
		ae := apperr.As(err)
		if ae == nil || (ae.Kind != apperr.Unauthorized && ae.Kind != apperr.TooMany && ae.Kind != apperr.Unavailable) {
			return err
		}
		pg := signInPage{BasePage: h.authBase(c, "auth.signin"), Form: f, Message: ae.Message}
		pg.Form.Password = ""
		c.Status(map[apperr.Kind]int{apperr.Unauthorized: fiber.StatusUnauthorized, apperr.TooMany: fiber.StatusTooManyRequests, apperr.Unavailable: fiber.StatusServiceUnavailable}[ae.Kind])
		return h.site.Render(c, "signin", pg)
	}
	h.replaceSession(c, tok, p)
	h.mergeGuestCart(c, p.User.ID)
	return c.Redirect(f.Next, fiber.StatusSeeOther)
}

func (h *Handler) signOut(c *fiber.Ctx) error {
	if p := web.CurrentUser(c); p != nil {
		var err error
		if c.FormValue("everywhere") == "1" {
			err = h.accounts.SignOutEverywhere(c.UserContext(), p.User.ID)
		} else {
			err = h.accounts.SignOut(c.UserContext(), web.SessionToken(c))
		}
		if err != nil {
			return err
		}
	}
	web.EndSession(c)
	return c.Redirect("/", fiber.StatusSeeOther)
}

func (h *Handler) showForgot(c *fiber.Ctx) error {
	p := forgotPage{BasePage: h.authBase(c, "auth.forgot")}
	p.Message = ui.Flash(c, "da-gui", map[string]string{"1": T("auth.link_sent")})
	p.Sent = p.Message != ""
	return h.site.Render(c, "forgot", p)
}

func (h *Handler) saveForgot(c *fiber.Ctx) error {
	f := ForgotForm{Identifier: c.FormValue("identifier")}
	err := h.accounts.RequestReset(c.UserContext(), f.Identifier, c.IP())
	if ae := apperr.As(err); ae != nil && (ae.Kind == apperr.Invalid || ae.Kind == apperr.TooMany) {
		status := fiber.StatusUnprocessableEntity
		if ae.Kind == apperr.TooMany {
			status = fiber.StatusTooManyRequests
		}
		c.Status(status)
		return h.site.Render(c, "forgot", forgotPage{BasePage: h.authBase(c, "auth.forgot"), Form: f, Message: ae.Message})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/quen-mat-khau?da-gui=1", fiber.StatusSeeOther)
}

func (h *Handler) showReset(c *fiber.Ctx) error {
	tok := c.Query("token")
	p := resetPage{BasePage: h.authBase(c, "auth.reset"), Token: tok, Valid: h.accounts.ValidResetToken(c.UserContext(), tok)}
	if !p.Valid {
		p.Message = account.ErrResetInvalid.Message
	}
	// the token is in the URL: keep it out of caches and of other sites'
	// Referers. Not no-referrer: browsers would then send "Origin: null"
	// with the form, and the CSRF check needs the real origin.
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Referrer-Policy", "same-origin")
	return h.site.Render(c, "reset", p)
}

func (h *Handler) saveReset(c *fiber.Ctx) error {
	tok := c.FormValue("token")
	err := h.accounts.ResetPassword(c.UserContext(), tok, c.FormValue("password"))
	if ae := apperr.As(err); ae != nil && ae.Kind == apperr.Invalid {
		p := resetPage{BasePage: h.authBase(c, "auth.reset"), Token: tok, Message: ae.Message, Valid: !errors.Is(err, account.ErrResetInvalid)}
		c.Status(fiber.StatusUnprocessableEntity)
		return h.site.Render(c, "reset", p)
	}
	if err != nil {
		return err
	}
	web.EndSession(c)
	return c.Redirect("/dang-nhap?doi-mat-khau=1", fiber.StatusSeeOther)
}

func (h *Handler) showAccount(c *fiber.Ctx) error {
	me := web.CurrentUser(c)
	p := accountPage{BasePage: h.authBase(c, "account.title"), Roles: roleNames(me)}
	p.Message = ui.Flash(c, "moi", map[string]string{"1": T("account.welcome")})
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return h.site.Render(c, "account", p)
}

func roleNames(p *account.Principal) []string {
	out := []string{T("role.shopper")}
	owner, staff := false, false
	for _, m := range p.Producers {
		owner = owner || m.Role == "owner"
		staff = staff || m.Role == "staff"
	}
	if owner {
		out = append(out, T("role.producer_owner"))
	}
	if staff {
		out = append(out, T("role.producer_staff"))
	}
	if p.IsStaff() {
		out = append(out, T("role.staff"))
	}
	if p.IsAdmin() {
		out = append(out, T("role.admin"))
	}
	return out
}
