//! The expressions a [`Writer`] writes: literals, struct literals, arrays, calls, chains of
//! method calls, tuples, and the statements and arms around them.

use std::fmt::Write as _;

use proc_macro2::TokenStream;

use super::{Base, Break, INDENT, Link, STRUCT_MAX_WIDTH, Writer, escape_into};

impl Writer {
    /// A string literal, escaped as `proc_macro2::Literal::string` escapes it.
    pub(crate) fn str(&mut self, value: &str) {
        let start = self.text.len();
        self.text.push('"');
        escape_into(value, &mut self.text);
        self.text.push('"');
        self.push_text(start, false);
    }

    /// An integer literal, a negative one as `-` and its magnitude.
    pub(crate) fn int(&mut self, value: i64) {
        if value < 0 {
            self.word("-");
        }
        self.uint(value.unsigned_abs());
    }

    pub(crate) fn uint(&mut self, value: u64) {
        let start = self.text.len();
        let _ = write!(self.text, "{value}");
        self.push_text(start, false);
    }

    /// A float literal as `proc_macro2::Literal::f64_unsuffixed` spells it, a negative one as
    /// `-` and its magnitude.
    pub(crate) fn float(&mut self, value: f64) {
        if value.is_sign_negative() {
            self.word("-");
        }
        let start = self.text.len();
        let _ = write!(self.text, "{}", value.abs());
        if !self.text[start..].contains('.') {
            self.text.push_str(".0");
        }
        self.push_text(start, false);
    }

    pub(crate) fn bool(&mut self, value: bool) {
        self.word(if value { "true" } else { "false" });
    }

    /// `Path { field: value, .., ..rest }`; `body` writes the fields with [`Writer::field`].
    pub(crate) fn struct_lit(&mut self, path: &str, rest: Option<&str>, body: impl FnOnce(&mut Self)) {
        self.cbox(INDENT);
        self.ibox(-INDENT);
        self.word(path);
        self.end();
        self.word(" {");
        self.brk(Break { blank: 1, if_nonempty: true, ..Break::default() });
        self.counts.push(0);
        body(self);
        let fields = self.counts.pop().unwrap_or_default();
        match rest {
            Some(rest) => {
                if fields > 0 {
                    self.word(",");
                    self.space();
                }
                self.word("..");
                self.word(rest);
                self.space();
            }
            None if fields > 0 => self.trailing_comma(1),
            None => {}
        }
        self.offset(-INDENT);
        self.end_with_max_width(STRUCT_MAX_WIDTH);
        self.word("}");
    }

    /// `name: value` in a struct literal.
    pub(crate) fn field(&mut self, name: &str, value: impl FnOnce(&mut Self)) {
        self.next_element();
        self.word(name);
        self.word(": ");
        self.ibox(0);
        value(self);
        self.end();
    }

    /// `name` in a struct literal: a field set from a variable of its name.
    pub(crate) fn field_shorthand(&mut self, name: &str) {
        self.next_element();
        self.word(name);
    }

    /// `[a, b, ..]` (write the `&` first for a slice): each item written by `each`.
    pub(crate) fn array<I: IntoIterator>(&mut self, items: I, mut each: impl FnMut(&mut Self, I::Item)) {
        let mut items = items.into_iter().peekable();
        if items.peek().is_none() {
            self.word("[]");
            return;
        }
        self.word("[");
        self.cbox(INDENT);
        self.zerobreak();
        self.counts.push(0);
        for item in items {
            self.next_element();
            each(self, item);
        }
        self.counts.pop();
        self.trailing_comma(0);
        self.offset(-INDENT);
        self.end();
        self.word("]");
    }

    /// `[1, 2, ..]` of integers: filled line by line as prettyplease fills an array of plain
    /// integer literals, one per line if any is negative (`-1` is not a literal).
    pub(crate) fn int_array(&mut self, values: &[i64]) {
        if values.is_empty() || values.iter().any(|v| *v < 0) {
            self.array(values, |w, v| w.int(*v));
            return;
        }
        self.filled_list("[", "]", values, |w, value| w.int(*value));
    }

    /// `open a, b, .. close`, filled line by line as prettyplease fills an array of plain
    /// literals or a `use` list: as many on a line as fit, a trailing comma where it breaks.
    pub(super) fn filled_list<T>(
        &mut self,
        open: &str,
        close: &str,
        items: &[T],
        mut each: impl FnMut(&mut Self, &T),
    ) {
        self.cbox(INDENT);
        self.word(open);
        self.zerobreak();
        self.ibox(0);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.word(",");
                self.space();
            }
            each(self, item);
        }
        self.end();
        self.trailing_comma(0);
        self.offset(-INDENT);
        self.word(close);
        self.end();
    }

    /// `path(a, b, ..)`: `args` writes each argument with [`Writer::arg`]. A call whose one
    /// argument is a struct, array or tuple is [`Writer::call_block`].
    pub(crate) fn call(&mut self, path: &str, args: impl FnOnce(&mut Self)) {
        self.word(path);
        self.word("(");
        self.list(args);
        self.word(")");
    }

    /// `path::<Type>(args)`: `args` writes each argument with [`Writer::arg`].
    pub(crate) fn generic_call(&mut self, path: &str, ty: &TokenStream, args: impl FnOnce(&mut Self)) {
        self.word(path);
        self.turbofish(ty);
        self.word("(");
        self.list(args);
        self.word(")");
    }

    /// `::<Type>`, its type on a line of its own when it does not fit.
    fn turbofish(&mut self, ty: &TokenStream) {
        self.word("::<");
        self.cbox(INDENT);
        self.zerobreak();
        self.ty(ty);
        self.trailing_comma(0);
        self.offset(-INDENT);
        self.end();
        self.word(">");
    }

    /// `path(Struct { .. })`: a call of one struct, array or tuple, which prettyplease writes
    /// hugging the parentheses.
    pub(crate) fn call_block(&mut self, path: &str, arg: impl FnOnce(&mut Self)) {
        self.word(path);
        self.word("(");
        arg(self);
        self.word(")");
    }

    /// `path(args)?`: a call whose error goes to the caller.
    pub(crate) fn try_call(&mut self, path: &str, args: impl FnOnce(&mut Self)) {
        self.call(path, args);
        self.word("?");
    }

    /// `receiver.method(args)`: the line breaks before the `.` when the call does not fit,
    /// except (as prettyplease writes it) where the call starts a line and `receiver` is a
    /// name of at most four letters.
    pub(crate) fn method_call(
        &mut self,
        receiver: &str,
        method: &str,
        starts_line: bool,
        args: impl FnOnce(&mut Self),
    ) {
        let short = starts_line && receiver.len() <= INDENT as usize;
        self.method_call_on(|w| w.word(receiver), !short, method, args);
    }

    /// `receiver.method(args)` on any receiver `receiver` writes: `break_before_dot` unless
    /// the receiver is a short name starting a line (see [`Writer::method_call`]).
    pub(crate) fn method_call_on(
        &mut self,
        receiver: impl FnOnce(&mut Self),
        break_before_dot: bool,
        method: &str,
        args: impl FnOnce(&mut Self),
    ) {
        self.cbox(INDENT);
        receiver(self);
        if break_before_dot {
            self.zerobreak();
        }
        self.word(".");
        self.word(method);
        self.cbox(if break_before_dot { 0 } else { -INDENT });
        self.word("(");
        self.list(args);
        self.word(")");
        self.end();
        self.end();
    }

    /// `base.link.link..`: field accesses, method calls, `.await`s and `?`s on `base`, as
    /// prettyplease lays out such a chain: one box for all of it, so that when it does not fit
    /// every `.` starts a line, except the first after a name of at most four letters that
    /// starts the line (`starts_line`: a statement, a match arm's value); `?`s that end the
    /// chain stay outside the box.
    pub(crate) fn chain(&mut self, base: Base<'_>, links: &[Link<'_>], starts_line: bool) {
        let tries = links.iter().rev().take_while(|link| matches!(link, Link::Try)).count();
        let links = &links[..links.len() - tries];
        if links.is_empty() {
            match base {
                Base::Path(path) => self.word(path),
                Base::Call(path, args) => self.call(path, args),
            }
        } else {
            self.cbox(INDENT);
            // The base as the start of a chain: a path in a box of its own.
            let short_base =
                matches!(base, Base::Path(path) if path.len() <= INDENT as usize && !path.contains(':'));
            self.cbox(-INDENT);
            match base {
                Base::Path(path) => {
                    self.word(path);
                    self.end();
                }
                Base::Call(path, args) => {
                    self.word(path);
                    self.end();
                    self.word("(");
                    self.list(args);
                    self.word(")");
                }
            }
            for (i, link) in links.iter().enumerate() {
                // Only the first link's receiver can be the short name.
                let unbroken = starts_line && short_base && i == 0;
                if !matches!(link, Link::Try) && !unbroken {
                    self.zerobreak();
                }
                match link {
                    Link::Field(name) => {
                        self.word(".");
                        self.word(name);
                    }
                    Link::Await => self.word(".await"),
                    Link::Try => self.word("?"),
                    Link::Method(name, args)
                    | Link::MethodBlock(name, args)
                    | Link::Generic(name, _, args) => {
                        self.word(".");
                        self.word(name);
                        if let Link::Generic(_, ty, _) = link {
                            self.turbofish(ty);
                        }
                        // The outermost call on the short name: its arguments not indented.
                        self.cbox(if unbroken && i + 1 == links.len() { -INDENT } else { 0 });
                        self.word("(");
                        if matches!(link, Link::Method(..) | Link::Generic(..)) {
                            self.list(args);
                        } else {
                            args(self);
                        }
                        self.word(")");
                        self.end();
                    }
                }
            }
            self.end();
        }
        for _ in 0..tries {
            self.word("?");
        }
    }

    /// `async move { statements }`, as prettyplease writes an async block: its statements on
    /// lines of their own.
    pub(crate) fn async_move_block(&mut self, statements: impl FnOnce(&mut Self)) {
        self.word("async move ");
        self.cbox(INDENT);
        self.word("{");
        self.space();
        statements(self);
        self.offset(-INDENT);
        self.word("}");
        self.end();
    }

    /// `if let pattern(binding) = value { statements }` (write it with [`Writer::tail`]): the
    /// statements on lines of their own.
    pub(crate) fn if_let(
        &mut self,
        pattern: (&str, &str),
        value: impl FnOnce(&mut Self),
        statements: impl FnOnce(&mut Self),
    ) {
        self.cbox(INDENT);
        self.word("if ");
        self.cbox(-INDENT);
        self.cbox(0);
        self.ibox(0);
        self.word("let ");
        self.ibox(0);
        self.tuple_pattern(pattern.0, pattern.1);
        self.end();
        self.word(" = ");
        self.neverbreak();
        self.ibox(0);
        value(self);
        self.end();
        self.end();
        // A condition that is not a plain name or literal may break before the brace.
        self.space();
        self.end();
        self.end();
        self.word("{");
        self.hardbreak();
        statements(self);
        self.offset(-INDENT);
        self.word("}");
        self.end();
    }

    /// `if condition { "then" } else { "otherwise" }`, each branch a string literal, as
    /// prettyplease writes an `if` whose blocks hold one expression each: `spaced` when the
    /// condition is a field or a call (the line may break before the brace), not when it is a
    /// name or `*name`.
    pub(crate) fn if_else_strs(
        &mut self,
        condition: impl FnOnce(&mut Self),
        spaced: bool,
        then: &str,
        otherwise: &str,
    ) {
        self.cbox(INDENT);
        self.word("if ");
        self.cbox(-INDENT);
        self.cbox(0);
        condition(self);
        if spaced {
            self.space();
        } else {
            self.word(" ");
        }
        self.end();
        self.end();
        for (i, value) in [then, otherwise].into_iter().enumerate() {
            if i == 1 {
                self.word(" else ");
            }
            self.word("{");
            self.space();
            self.ibox(0);
            self.str(value);
            self.end();
            self.space();
            self.offset(-INDENT);
            self.word("}");
        }
        self.end();
    }

    /// `|param| match scrutinee { arms }`, a closure whose body is a `match`: write each arm
    /// with [`Writer::arm_on`].
    pub(crate) fn closure_match(&mut self, param: &str, scrutinee: &str, arms: impl FnOnce(&mut Self)) {
        self.ibox(0);
        self.cbox(INDENT);
        self.word("|");
        self.zerobreak();
        self.word(param);
        self.word("|");
        self.space();
        self.offset(-INDENT);
        self.end();
        self.neverbreak();
        self.match_expr(scrutinee, arms);
        self.end();
    }

    /// `base.member`, not at the start of a line (where a short `base` never breaks from it).
    pub(crate) fn field_of(&mut self, base: &str, member: &str) {
        self.cbox(INDENT);
        self.word(base);
        self.zerobreak();
        self.word(".");
        self.word(member);
        self.end();
    }

    /// `(a, b, ..)` of two or more elements, each written with [`Writer::arg`].
    pub(crate) fn tuple(&mut self, elements: impl FnOnce(&mut Self)) {
        self.word("(");
        self.list(elements);
        self.word(")");
    }

    /// The inside of a call's or tuple's parentheses.
    fn list(&mut self, elements: impl FnOnce(&mut Self)) {
        self.cbox(INDENT);
        self.zerobreak();
        self.counts.push(0);
        elements(self);
        if self.counts.pop().unwrap_or_default() > 0 {
            self.trailing_comma(0);
        }
        self.offset(-INDENT);
        self.end();
    }

    /// An argument of a call or an element of a tuple.
    pub(crate) fn arg(&mut self, value: impl FnOnce(&mut Self)) {
        self.next_element();
        value(self);
    }

    /// `Name<'static>` as a type.
    pub(super) fn static_generic(&mut self, name: &str) {
        self.word(name);
        self.word("<");
        self.cbox(INDENT);
        self.zerobreak();
        self.word("'static");
        self.trailing_comma(0);
        self.offset(-INDENT);
        self.end();
        self.word(">");
    }
}
