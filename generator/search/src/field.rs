//! The searchable fields of a resource and their weights.

use serde::Serialize;

/// A searchable field. The order is the ranking order: a hit in the name outranks a hit
/// in the reading, which outranks tags, category names, the address, the description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Name = 0,
    /// Readings: `name_kana`, and readings of known category/tag words (see `readings`).
    Kana = 1,
    Tags = 2,
    Category = 3,
    /// Address text, 町字, postal code and phone number.
    Area = 4,
    /// Description, organisation, audience, fees and notes.
    Description = 5,
}

impl Field {
    pub const ALL: [Field; 6] = [
        Field::Name,
        Field::Kana,
        Field::Tags,
        Field::Category,
        Field::Area,
        Field::Description,
    ];

    /// Relevance weight of a hit in this field.
    pub fn weight(self) -> u32 {
        match self {
            Field::Name => 32,
            Field::Kana => 24,
            Field::Tags => 16,
            Field::Category => 12,
            Field::Area => 6,
            Field::Description => 2,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Kana => "kana",
            Field::Tags => "tags",
            Field::Category => "category",
            Field::Area => "area",
            Field::Description => "description",
        }
    }

    pub fn id(self) -> u32 {
        self as u32
    }
}
