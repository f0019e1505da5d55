//! A class chosen at run time, set without Yew's `Classes`.
//!
//! `html!` turns a `class` that is not a literal into `yew::html::Classes`,
//! an ordered set of names (indexmap, hashing), and setting an attribute
//! after the fact goes through an index map too: each costs about 3 KB of
//! the gzipped WebAssembly. The places that pick a class (an active
//! preset, a broken invariant, the projector view...) write the element
//! with a literal `class` among attributes that are not all literals (so
//! `html!` keeps them as a list of keys and values), and [`set`] swaps the
//! chosen literal into that list.

use std::rc::Rc;
use yew::virtual_dom::{AttrValue, AttributeOrProperty, Attributes, VNode};
use yew::Html;

/// `node` (an element with a literal `class` and at least one attribute
/// that is not a literal) with its class set to `class`.
pub fn set(mut node: Html, class: &'static str) -> Html {
    let swapped = swap(&mut node, class);
    // Caught by the component tests, which render every such element.
    debug_assert!(
        swapped,
        "class::set({class:?}): the element needs a literal class and an attribute that is not a literal"
    );
    node
}

/// Put `class` in place of the element's literal class; `false` when the
/// element has no such slot (then it is left as it was).
fn swap(node: &mut Html, class: &'static str) -> bool {
    if let VNode::VTag(tag) = node {
        if let Attributes::Dynamic { keys, values } = &mut Rc::make_mut(tag).attributes {
            if let Some(i) = keys.iter().position(|k| *k == "class") {
                values[i] = Some(AttributeOrProperty::Attribute(AttrValue::Static(class)));
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use yew::html;

    /// Refused in every profile (the test used to rely on the debug
    /// assertion in `set`, which `--release` compiles out).
    #[test]
    fn refuses_an_element_whose_attributes_are_all_literals() {
        let mut node = html! { <p class="a" id="x">{ "t" }</p> };
        assert!(!swap(&mut node, "a b"));
        let VNode::VTag(tag) = &node else {
            panic!("an element")
        };
        let attrs: Vec<_> = tag.attributes.iter().collect();
        assert!(attrs.contains(&("class", "a")), "left as it was: {attrs:?}");
    }

    #[test]
    fn swaps_the_class_of_an_element_with_dynamic_attributes() {
        let id = String::from("x");
        let node = set(html! { <p class="a" id={id}>{ "t" }</p> }, "a b");
        let VNode::VTag(tag) = &node else {
            panic!("an element")
        };
        let attrs: Vec<_> = tag.attributes.iter().collect();
        assert!(attrs.contains(&("class", "a b")), "{attrs:?}");
    }
}
