//! A field of an input as the rules see it: its value (or why there is none)
//! and where it is.

use crate::source::Loc;

/// Why a field has no usable value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    /// A deploy-tool placeholder such as `{{IMAGE}}` or `REPLACED_BY_CI`.
    Placeholder,
    /// The value had the wrong type; an input error was recorded for it.
    Invalid,
    /// The input does not say (e.g. task-level fields of a bare list of
    /// container definitions).
    NotGiven,
    /// A template value that cannot be resolved without the account (a
    /// parameter without a default, an import, an unknown condition).
    Unresolved,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Val<T> {
    /// The key is not there.
    Absent,
    /// The key is there with an explicit `null` (describe-* exports do this).
    Null,
    Unknown(Unknown),
    Known(T),
}

/// A value and its location. For an absent field, `at` is the enclosing
/// object, which is where a "missing X" finding should point.
#[derive(Debug, Clone, PartialEq)]
pub struct F<T> {
    pub val: Val<T>,
    pub at: Loc,
}

impl<T> F<T> {
    pub fn absent(at: Loc) -> Self {
        F { val: Val::Absent, at }
    }

    pub fn known(v: T, at: Loc) -> Self {
        F { val: Val::Known(v), at }
    }

    pub fn unknown(why: Unknown, at: Loc) -> Self {
        F { val: Val::Unknown(why), at }
    }

    /// The value when it is known.
    pub fn get(&self) -> Option<&T> {
        match &self.val {
            Val::Known(v) => Some(v),
            _ => None,
        }
    }

    /// The value when it is known, taken.
    pub fn into_known(self) -> Option<T> {
        match self.val {
            Val::Known(v) => Some(v),
            _ => None,
        }
    }

    /// Absent or `null`: the input says there is no value. An unknown value
    /// is *not* missing.
    pub fn is_missing(&self) -> bool {
        matches!(self.val, Val::Absent | Val::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.val, Val::Unknown(_))
    }

    pub fn is_placeholder(&self) -> bool {
        matches!(self.val, Val::Unknown(Unknown::Placeholder))
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> F<U> {
        let val = match self.val {
            Val::Known(v) => Val::Known(f(v)),
            Val::Absent => Val::Absent,
            Val::Null => Val::Null,
            Val::Unknown(u) => Val::Unknown(u),
        };
        F { val, at: self.at }
    }
}

impl F<String> {
    pub fn str(&self) -> Option<&str> {
        self.get().map(String::as_str)
    }
}

impl F<bool> {
    /// The value, or `default` when missing. `None` when unknown.
    pub fn or(&self, default: bool) -> Option<bool> {
        match &self.val {
            Val::Known(v) => Some(*v),
            Val::Absent | Val::Null => Some(default),
            Val::Unknown(_) => None,
        }
    }

    /// True only when the input says `true`.
    pub fn is_true(&self) -> bool {
        self.get() == Some(&true)
    }
}

impl<T> F<Vec<T>> {
    /// The items when known; empty when missing or unknown.
    pub fn items(&self) -> &[T] {
        self.get().map_or(&[], Vec::as_slice)
    }
}

impl<T> F<F<T>> {
    /// The inner field of a nested object; when the outer object is missing
    /// or unknown, the inner field is too (located at the outer one).
    pub fn flatten(self) -> F<T> {
        let val = match self.val {
            Val::Known(inner) => return inner,
            Val::Absent => Val::Absent,
            Val::Null => Val::Null,
            Val::Unknown(u) => Val::Unknown(u),
        };
        F { val, at: self.at }
    }
}
