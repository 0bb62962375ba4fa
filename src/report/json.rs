//! The evidence pack as JSON, for the tools around secassess: the whole [`Pack`] with
//! stable, snake_case field names, versioned by `schema` and `schema_version` (see
//! [`super::model::PACK_SCHEMA_VERSION`]): a field is only ever added within a version.
//! Times are RFC 3339 in UTC, dates `YYYY-MM-DD`. Text from the assessment has had its
//! control characters replaced (U+FFFD), as in every other format; any that remain
//! (from a questionnaire folder) are escaped.

use super::model::Pack;

/// Pretty-printed, ending with a newline. Deterministic: the pack holds only ordered
/// collections. C1 controls and bidirectional overrides (from a user's questionnaire
/// folder, say) are escaped as `\uXXXX` (`text::escape_json`).
pub fn render(pack: &Pack) -> Result<Vec<u8>, serde_json::Error> {
    let mut text = crate::text::escape_json(serde_json::to_string_pretty(pack)?);
    text.push('\n');
    Ok(text.into_bytes())
}
