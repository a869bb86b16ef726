//! State words: each vocabulary enum derives its machine name once (strum, the same spelling
//! serde writes) and its display text from it (a `message` where the two differ, such as
//! `on_battery` / "on battery"). No face keeps a table of its own.

/// `name()` (the serde and JSON word) and `Display` (the words an operator reads) for enums
/// deriving `strum::IntoStaticStr` and `strum::EnumMessage` with `serialize_all = "snake_case"`.
#[macro_export]
macro_rules! state_words {
    ($($t:ty),+ $(,)?) => {$(
        impl $t {
            /// The machine word, as serde writes it.
            pub fn name(self) -> &'static str {
                self.into()
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let text = strum::EnumMessage::get_message(self).unwrap_or_else(|| (*self).into());
                f.pad(text)
            }
        }
    )+};
}

#[cfg(test)]
mod tests {
    use strum::VariantArray;

    use crate::model::{ElementState, MemberState};

    /// The strum word and the serde word are one spelling, for every variant.
    fn agree<T: VariantArray + serde::Serialize + Copy + Into<&'static str>>() {
        for v in T::VARIANTS {
            let serde = serde_json::to_value(v).unwrap_or_default();
            let name: &'static str = (*v).into();
            assert_eq!(serde.as_str(), Some(name));
        }
    }

    #[test]
    fn machine_words_match_serde() {
        agree::<ElementState>();
        agree::<MemberState>();
        assert_eq!(ElementState::OnBattery.to_string(), "on battery");
        assert_eq!(ElementState::OnBattery.name(), "on_battery");
        assert_eq!(format!("{:<8}|", MemberState::Ok), "ok      |");
    }
}
