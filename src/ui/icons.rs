//! Inline SVG icons for the controls (no icon font, no network).

use yew::prelude::*;

fn icon(path: &'static str) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d={path} />
        </svg>
    }
}

pub fn play() -> Html {
    icon("M8 5v14l11-7z")
}
pub fn pause() -> Html {
    icon("M7 5h4v14H7zM13 5h4v14h-4z")
}
pub fn step_back() -> Html {
    icon("M7 6h2v12H7zM19 6v12l-9-6z")
}
pub fn step_forward() -> Html {
    icon("M15 6h2v12h-2zM5 6v12l9-6z")
}
pub fn restart() -> Html {
    icon("M5 5h2v14H5zM20 5v14L9 12zM13 5v14")
}
pub fn to_end() -> Html {
    icon("M17 5h2v14h-2zM4 5v14l11-7z")
}
