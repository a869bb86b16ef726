//! The Prometheus HTTP API's answer to `/api/v1/query` and `/api/v1/query_range`, read
//! with serde. Everything is checked: a server that answers something else (an HTML login
//! page, a truncated body, a value that is not a number) is an error naming the server and
//! the query, never a panic and never a healthy reading.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A series' labels, the metric name under `__name__` when the query kept it.
pub type Labels = BTreeMap<String, String>;

/// One series of an instant query: its labels, the sample's value and the moment the
/// query was evaluated at (unix seconds).
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub labels: Labels,
    pub at: f64,
    pub value: f64,
}

/// One series of a range query: its labels and its samples, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    pub labels: Labels,
    pub samples: Vec<(f64, f64)>,
}

/// Why an answer could not be used; the caller adds the server and the query.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnswerError {
    #[error("not a query API answer: {0}")]
    NotJson(String),
    #[error("the query failed: {kind}: {error}")]
    Refused { kind: String, error: String },
    #[error("status {0:?}, neither success nor error")]
    Status(String),
    #[error("a {got} where a {want} was asked for")]
    WrongType { got: String, want: &'static str },
    #[error("a sample value {0:?} that is not a number")]
    Value(String),
}

#[derive(Deserialize)]
struct Envelope {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    result: serde_json::Value,
}

#[derive(Deserialize)]
struct VectorItem {
    metric: Labels,
    value: (f64, String),
}

#[derive(Deserialize)]
struct MatrixItem {
    metric: Labels,
    values: Vec<(f64, String)>,
}

/// The `data` of a successful answer whose result is of type `want`.
fn data(body: &[u8], want: &'static str) -> Result<serde_json::Value, AnswerError> {
    let env: Envelope =
        serde_json::from_slice(body).map_err(|e| AnswerError::NotJson(e.to_string()))?;
    match env.status.as_str() {
        "success" => {}
        "error" => {
            return Err(AnswerError::Refused {
                kind: env.error_type.unwrap_or_else(|| "error".into()),
                error: env.error.unwrap_or_default(),
            });
        }
        other => return Err(AnswerError::Status(other.to_string())),
    }
    let data = env
        .data
        .ok_or_else(|| AnswerError::NotJson("success without data".into()))?;
    if data.result_type != want {
        return Err(AnswerError::WrongType {
            got: data.result_type,
            want,
        });
    }
    Ok(data.result)
}

/// Prometheus writes values as strings so `NaN` and `+Inf` survive JSON.
fn number(text: &str) -> Result<f64, AnswerError> {
    text.parse()
        .map_err(|_| AnswerError::Value(text.chars().take(40).collect()))
}

/// The series of an instant query's answer (`resultType` `vector`).
pub fn vector(body: &[u8]) -> Result<Vec<Sample>, AnswerError> {
    let items: Vec<VectorItem> = serde_json::from_value(data(body, "vector")?)
        .map_err(|e| AnswerError::NotJson(e.to_string()))?;
    items
        .into_iter()
        .map(|i| {
            Ok(Sample {
                labels: i.metric,
                at: i.value.0,
                value: number(&i.value.1)?,
            })
        })
        .collect()
}

/// The series of a range query's answer (`resultType` `matrix`).
pub fn matrix(body: &[u8]) -> Result<Vec<Range>, AnswerError> {
    let items: Vec<MatrixItem> = serde_json::from_value(data(body, "matrix")?)
        .map_err(|e| AnswerError::NotJson(e.to_string()))?;
    items
        .into_iter()
        .map(|i| {
            let samples = i
                .values
                .iter()
                .map(|(t, v)| Ok((*t, number(v)?)))
                .collect::<Result<_, AnswerError>>()?;
            Ok(Range {
                labels: i.metric,
                samples,
            })
        })
        .collect()
}

/// A PromQL string literal: `s` quoted, with what would end or bend it escaped.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_answer_reads_with_special_values() {
        let body = br#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"__name__":"up","instance":"a"},"value":[1790000000.5,"1"]},
            {"metric":{"instance":"b"},"value":[1790000000.5,"NaN"]},
            {"metric":{},"value":[1790000000.5,"+Inf"]}]}}"#;
        let v = vector(body).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].labels.get("instance").map(String::as_str), Some("a"));
        assert_eq!((v[0].at, v[0].value), (1_790_000_000.5, 1.0));
        assert!(v[1].value.is_nan());
        assert_eq!(v[2].value, f64::INFINITY);
    }

    #[test]
    fn a_range_answer_reads() {
        let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"element":"UPS-A1"},"values":[[10,"0.4"],[15,"0.41"]]}]}}"#;
        let m = matrix(body).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m[0].samples, vec![(10.0, 0.4), (15.0, 0.41)]);
    }

    #[test]
    fn broken_and_hostile_answers_are_errors_not_panics() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "not a query API answer"),
            (b"<html>login</html>", "not a query API answer"),
            (br#"{"status":"success","data":{"resultType":"vec"#, "not a query API answer"),
            (br#"{"status":"success"}"#, "success without data"),
            (
                br#"{"status":"error","errorType":"bad_data","error":"parse error"}"#,
                "bad_data: parse error",
            ),
            (br#"{"status":"maybe"}"#, "neither success nor error"),
            (
                br#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#,
                "a matrix where a vector",
            ),
            (
                br#"{"status":"success","data":{"resultType":"vector","result":{"a":1}}}"#,
                "not a query API answer",
            ),
            (
                br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"one"]}]}}"#,
                "not a number",
            ),
            (
                br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":7},"value":[1,"1"]}]}}"#,
                "not a query API answer",
            ),
            (
                br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1]}]}}"#,
                "not a query API answer",
            ),
            (
                br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":["x","1"]}]}}"#,
                "not a query API answer",
            ),
        ];
        for (body, want) in cases {
            let err = vector(body).expect_err(&String::from_utf8_lossy(body));
            assert!(err.to_string().contains(want), "{err} (wanted {want})");
        }
        let deep = "[".repeat(100_000);
        assert!(vector(deep.as_bytes()).is_err());
        assert!(matrix(br#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"x"]]}]}}"#).is_err());
    }

    #[test]
    fn label_values_are_quoted_so_they_cannot_end_the_selector() {
        assert_eq!(quoted("redcon-agents"), "\"redcon-agents\"");
        assert_eq!(quoted("a\"}or vector(1)#\\"), "\"a\\\"}or vector(1)#\\\\\"");
    }
}
