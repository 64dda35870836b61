// The head's skin: its texture (the practice's canvas) lit by the studio's three lights, with
// the soft sheen of a shaved scalp. Kept small on purpose: Bevy's full PBR shader costs
// software renderers (Mesa's llvmpipe) most of a frame on a head that fills the view.

#import bevy_pbr::forward_io::VertexOutput
#import bevy_pbr::mesh_view_bindings::view

struct SkinLook {
    // Multiplies the texture (white texture: the plain skin's colour), linear RGB.
    tint: vec4<f32>,
    // Light that reaches every place, linear RGB.
    ambient: vec4<f32>,
    // Per light: the direction toward it (xyz) and its colour times strength (rgb).
    toward: array<vec4<f32>, 3>,
    colour: array<vec4<f32>, 3>,
    // x: the sheen's strength, y: its sharpness (a Blinn–Phong exponent).
    sheen: vec4<f32>,
}

@group(#{MATERIAL_BIND_GROUP}) @binding(0) var<uniform> look: SkinLook;
@group(#{MATERIAL_BIND_GROUP}) @binding(1) var skin_texture: texture_2d<f32>;
@group(#{MATERIAL_BIND_GROUP}) @binding(2) var skin_sampler: sampler;

@fragment
fn fragment(in: VertexOutput) -> @location(0) vec4<f32> {
    let albedo = textureSample(skin_texture, skin_sampler, in.uv).rgb * look.tint.rgb;
    let n = normalize(in.world_normal);
    let to_eye = normalize(view.world_position - in.world_position.xyz);
    var lit = look.ambient.rgb * albedo;
    for (var i = 0u; i < 3u; i = i + 1u) {
        let l = normalize(look.toward[i].xyz);
        let facing = max(dot(n, l), 0.0);
        let half_way = normalize(l + to_eye);
        let sheen = look.sheen.x * pow(max(dot(n, half_way), 0.0), look.sheen.y);
        lit = lit + look.colour[i].rgb * facing * (albedo + vec3<f32>(sheen));
    }
    return vec4<f32>(lit, 1.0);
}
