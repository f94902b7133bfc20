using static Glass.Data.WSprites.SpriteCanvas;

namespace Glass.Data.WSprites;

/// <summary>
/// Our own pixel-art W-Sprites characters (no assets): a jointed figure drawn with hard-edged shapes and
/// a dark outline, in four attributes with six choices each like the LPC layers — body (skin tone, build,
/// height), bottomwear (pants, shorts, skirt), topwear (sleeves, vest, robe), hair (styles, a hat) — and
/// the nine local actions of W-Sprites, 8 frames each: walking (legs and arms swing), spellcasting (both
/// arms rise and a glow appears between the hands) and slashing (one arm swings a sword from overhead),
/// each facing front, left and right (right = mirrored left). Poses are chosen so that the three actions
/// differ in clearly visible limbs even at 64 × 48.
/// </summary>
public static class BuiltinCharacterDrawer
{
    static readonly Rgb[] Skins = [Rgb.Of(255, 222, 186), Rgb.Of(236, 190, 140), Rgb.Of(214, 160, 104), Rgb.Of(180, 120, 72), Rgb.Of(130, 84, 50), Rgb.Of(92, 60, 40)];
    static readonly Rgb[] Shirts = [Rgb.Of(205, 45, 45), Rgb.Of(45, 90, 210), Rgb.Of(40, 160, 80), Rgb.Of(235, 190, 40), Rgb.Of(140, 60, 180), Rgb.Of(240, 240, 232)];
    static readonly Rgb[] Pants = [Rgb.Of(40, 50, 120), Rgb.Of(140, 90, 45), Rgb.Of(150, 30, 60), Rgb.Of(40, 40, 48), Rgb.Of(60, 150, 150), Rgb.Of(200, 200, 210)];
    static readonly Rgb[] Hairs = [Rgb.Of(30, 26, 26), Rgb.Of(245, 215, 110), Rgb.Of(215, 80, 30), Rgb.Of(115, 70, 35), Rgb.Of(225, 225, 235), Rgb.Of(70, 45, 30)];
    static readonly Rgb HatColor = Rgb.Of(50, 100, 215);
    static readonly Rgb OutlineColor = Rgb.Of(22, 18, 28);
    static readonly Rgb Eye = Rgb.Of(25, 20, 30);
    static readonly Rgb Shoe = Rgb.Of(70, 40, 20);
    static readonly Rgb Belt = Rgb.Of(60, 38, 20);
    static readonly Rgb Blade = Rgb.Of(215, 225, 240);
    static readonly Rgb Guard = Rgb.Of(225, 175, 40);
    static readonly Rgb GlowOuter = Rgb.Of(90, 230, 255);
    static readonly Rgb GlowInner = Rgb.Of(245, 255, 255);

    enum Sleeves { Long, Short, None }
    enum Bottom { Pants, Shorts, Skirt }
    enum Hair { Short, Long, Spiky, Bob, Ponytail, Hat }

    sealed record Look(Rgb Skin, double TorsoHalf, bool Tall, Rgb Shirt, Sleeves Sleeves, bool Robe, Rgb Pants, Bottom Bottom, Rgb HairColor, Hair Hair);

    static Look LookOf(int body, int bottomwear, int topwear, int hair) => new(
        Skins[body], TorsoHalf: new[] { 5.0, 6.0, 7.0 }[body % 3], Tall: body / 3 == 1,
        Shirts[topwear], Sleeves: new[] { Sleeves.Long, Sleeves.Short, Sleeves.None, Sleeves.Long, Sleeves.Short, Sleeves.Long }[topwear], Robe: topwear == 5,
        Pants[bottomwear], Bottom: new[] { Bottom.Pants, Bottom.Shorts, Bottom.Skirt, Bottom.Pants, Bottom.Shorts, Bottom.Skirt }[bottomwear],
        Hairs[hair], (Hair)hair);

    /// <summary>Describes the attributes of an identity.</summary>
    public static string Describe(int body, int bottomwear, int topwear, int hair)
    {
        var l = LookOf(body, bottomwear, topwear, hair);
        return $"skin {body}, {(l.Tall ? "tall" : "short")} build {body % 3}, {l.Bottom.ToString().ToLowerInvariant()} {bottomwear}, " +
               $"{(l.Robe ? "robe" : l.Sleeves.ToString().ToLowerInvariant() + "-sleeved top")} {topwear}, hair {l.Hair.ToString().ToLowerInvariant()}";
    }

    /// <summary>All 9 × 8 frames of the character with these attribute choices (each 0–5).</summary>
    public static CharacterSprite Draw(int body, int bottomwear, int topwear, int hair)
    {
        foreach (var (v, name) in new[] { (body, "body"), (bottomwear, "bottomwear"), (topwear, "topwear"), (hair, "hair") })
            if (v is < 0 or > 5) throw new ArgumentOutOfRangeException(name, $"{name} choice {v} must be 0..5");
        var look = LookOf(body, bottomwear, topwear, hair);
        var cells = new byte[LocalActions.Count * LocalActions.FramesPerAction][];
        for (int label = 0; label < LocalActions.Count; label++)
            for (int f = 0; f < LocalActions.FramesPerAction; f++)
            {
                var kind = LocalActions.Kind(label);
                var facing = LocalActions.Facing(label);
                var canvas = new SpriteCanvas();
                if (facing == Facing.Front) DrawFront(canvas, look, kind, f);
                else DrawSide(canvas, look, kind, f);
                canvas.Outline(OutlineColor);
                cells[label * LocalActions.FramesPerAction + f] = facing == Facing.Right ? canvas.Mirrored() : canvas.Pixels;
            }
        return new CharacterSprite(cells);
    }

    // ---- body measurements (pixels in the 64 x 64 cell) ----
    const double FootY = 60, ArmRadius = 2.0, LegRadius = 2.5, HandRadius = 2.1, UpperArm = 7.5, ForeArm = 7.0;

    readonly record struct Frame(double Thigh, double Shin, double HipY, double TorsoTop, double ShoulderY, double HeadY);

    static Frame Measure(Look look, double bob)
    {
        double thigh = look.Tall ? 9.5 : 8.5, shin = look.Tall ? 9.5 : 8.5;
        double hipY = FootY - 2 - thigh - shin + bob;
        double torsoTop = hipY - 15;
        return new Frame(thigh, shin, hipY, torsoTop, torsoTop + 1.5, torsoTop - 9.5);
    }

    static double[] SpellRaise => [0, 0.3, 0.6, 0.9, 1, 1, 0.85, 1];
    static double[] GlowRadius => [0, 0, 0, 2.5, 3.5, 4.5, 3.5, 5];
    static double[] SlashSide => [0.2, 1.3, 2.5, 3.0, 2.0, 1.0, 0.35, 0.0];
    static double[] SlashFront => [0.2, 1.2, 2.3, 2.9, 1.6, 0.2, -0.6, -0.3];

    // ---- side view, facing left (forward = -x); angles from straight down, positive = forward ----

    static (double X, double Y) Forward(double x, double y, double angle, double length) => (x - Math.Sin(angle) * length, y + Math.Cos(angle) * length);

    static void DrawSide(SpriteCanvas c, Look look, ActionKind kind, int k)
    {
        double p = 2 * Math.PI * k / 8, s = Math.Sin(p);
        (double T, double K) nearLeg, farLeg;
        (double A, double E) nearArm, farArm;
        double bob = 0;
        switch (kind)
        {
            case ActionKind.Walk:
                nearLeg = (0.55 * s, 0.15 + 0.6 * Math.Max(0, Math.Cos(p)));
                farLeg = (-0.55 * s, 0.15 + 0.6 * Math.Max(0, -Math.Cos(p)));
                nearArm = (-0.6 * s, 0.3);
                farArm = (0.6 * s, 0.3);
                bob = Math.Abs(s) < 0.5 ? -1 : 0;
                break;
            case ActionKind.Spellcast:
                nearLeg = (0.12, 0.05);
                farLeg = (-0.12, 0.05);
                nearArm = (0.25 + 2.35 * SpellRaise[k], 0.1 + 0.5 * (1 - SpellRaise[k]));
                farArm = (nearArm.A - 0.2, nearArm.E);
                break;
            default:
                nearLeg = (0.4, 0.35);
                farLeg = (-0.45, 0.1);
                nearArm = (SlashSide[k], k is 0 or 7 ? 0.3 : 0.1);
                farArm = (-0.3, 0.9);
                break;
        }
        var m = Measure(look, bob);
        double ts = look.TorsoHalf * 0.6 + 1;

        // Far limbs first, a shade darker.
        SideArm(c, look, m, farArm, 0.72, null);
        SideLeg(c, look, m, 32.5, farLeg, 0.72);
        SideHairBack(c, look, m);
        if (look.Bottom != Bottom.Skirt) c.Rect(32 - ts, m.HipY - 1, 32 + ts, m.HipY + 3, look.Pants);
        SideLeg(c, look, m, 31.5, nearLeg, 1.0);
        SideTorso(c, look, m, ts);
        c.Rect(30.5, m.TorsoTop - 3, 33.5, m.TorsoTop + 1, look.Skin);
        c.Ellipse(31, m.HeadY, 6, 7, look.Skin);
        c.Set(24, (int)(m.HeadY + 1.5), look.Skin);
        c.Rect(26.6, m.HeadY - 0.5, 27.4, m.HeadY + 1.5, Eye);
        SideHairFront(c, look, m);
        SideArm(c, look, m, nearArm, 1.0, kind);
        if (kind == ActionKind.Spellcast && GlowRadius[k] > 0)
        {
            var (hx, hy) = SideHand(m, nearArm);
            Glow(c, hx - 2, hy - 2, GlowRadius[k]);
        }
    }

    static void SideLeg(SpriteCanvas c, Look look, Frame m, double hx, (double T, double K) leg, double shade)
    {
        var (kx, ky) = Forward(hx, m.HipY, leg.T, m.Thigh);
        var (ax, ay) = Forward(kx, ky, leg.T - leg.K, m.Shin);
        var thigh = (look.Bottom == Bottom.Skirt ? look.Skin : look.Pants).Scale(shade);
        var shin = (look.Bottom == Bottom.Pants ? look.Pants : look.Skin).Scale(shade);
        c.Capsule(hx, m.HipY, kx, ky, LegRadius, thigh);
        c.Capsule(kx, ky, ax, ay, LegRadius - 0.2, shin);
        c.Capsule(ax - 3.2, ay + 0.6, ax + 0.8, ay + 0.6, 1.6, Shoe.Scale(shade));
    }

    static (double X, double Y) SideHand(Frame m, (double A, double E) arm)
    {
        var (ex, ey) = Forward(32, m.ShoulderY, arm.A, UpperArm);
        return Forward(ex, ey, arm.A + arm.E, ForeArm);
    }

    static void SideArm(SpriteCanvas c, Look look, Frame m, (double A, double E) arm, double shade, ActionKind? kind)
    {
        var (ex, ey) = Forward(32, m.ShoulderY, arm.A, UpperArm);
        var (hx, hy) = Forward(ex, ey, arm.A + arm.E, ForeArm);
        if (kind == ActionKind.Slash) Sword(c, hx, hy, arm.A + arm.E + 0.25, forwardIsLeft: true);
        c.Capsule(32, m.ShoulderY, ex, ey, ArmRadius, (look.Sleeves == Sleeves.None ? look.Skin : look.Shirt).Scale(shade));
        c.Capsule(ex, ey, hx, hy, ArmRadius - 0.1, (look.Sleeves == Sleeves.Long ? look.Shirt : look.Skin).Scale(shade));
        c.Disk(hx, hy, HandRadius, look.Skin.Scale(shade));
    }

    static void SideTorso(SpriteCanvas c, Look look, Frame m, double ts)
    {
        c.Rect(32 - ts, m.TorsoTop, 32 + ts, m.HipY + 0.5, look.Shirt);
        if (look.Robe) c.Polygon(look.Shirt, (32 - ts, m.HipY - 1), (32 + ts, m.HipY - 1), (32 + ts + 2, m.HipY + 8), (32 - ts - 2, m.HipY + 8));
        else c.Rect(32 - ts, m.HipY - 1.5, 32 + ts, m.HipY, Belt);
        if (look.Bottom == Bottom.Skirt && !look.Robe)
            c.Polygon(look.Pants, (32 - ts, m.HipY - 0.5), (32 + ts, m.HipY - 0.5), (32 + ts + 3, m.HipY + 8), (32 - ts - 3, m.HipY + 8));
    }

    static void SideHairBack(SpriteCanvas c, Look look, Frame m)
    {
        double h = m.HeadY;
        if (look.Hair == Hair.Long) c.Rect(32, h - 4, 38, h + 12, look.HairColor);
        if (look.Hair == Hair.Ponytail) c.Capsule(37.5, h - 2, 40.5, h + 9, 2.2, look.HairColor);
    }

    static void SideHairFront(SpriteCanvas c, Look look, Frame m)
    {
        double h = m.HeadY;
        var hair = look.Hair == Hair.Hat ? Hairs[5] : look.HairColor;
        c.Ellipse(31, h - 1.5, 6.8, 6.5, hair, (x, y) => y < h - 2.5 || (x > 32.5 && y < h + 3));
        switch (look.Hair)
        {
            case Hair.Spiky:
                foreach (var x in new[] { 27.0, 30.5, 34.0 }) c.Polygon(hair, (x - 2, h - 6), (x + 2, h - 6), (x + 3, h - 11));
                break;
            case Hair.Bob:
                c.Rect(31.5, h - 3, 37.8, h + 4.5, hair);
                break;
            case Hair.Long:
                c.Rect(32.5, h - 3, 37.8, h + 5, hair);
                break;
            case Hair.Hat:
                c.Rect(23, h - 5.5, 38.5, h - 4, HatColor);
                c.Rect(26, h - 12, 36.5, h - 5, HatColor);
                c.Rect(26, h - 7, 36.5, h - 5.5, HatColor.Scale(0.6));
                break;
        }
    }

    // ---- front view; arm angles from straight down, positive = away from the body ----

    static void DrawFront(SpriteCanvas c, Look look, ActionKind kind, int k)
    {
        double p = 2 * Math.PI * k / 8, s = Math.Sin(p);
        double liftL = 0, liftR = 0, spread = 0, bob = 0;
        (double A, double E, double Reach) armL, armR; // viewer's left / right
        switch (kind)
        {
            case ActionKind.Walk:
                // Seen from the front a step lifts one foot; the arm on the other side swings forward (shorter, bent).
                liftL = 4.5 * Math.Max(0, s);
                liftR = 4.5 * Math.Max(0, -s);
                armL = (0.12, 0.1 - 1.1 * Math.Max(0, -s), Math.Cos(0.7 * s));
                armR = (0.12, 0.1 - 1.1 * Math.Max(0, s), Math.Cos(0.7 * s));
                bob = Math.Abs(s) < 0.5 ? -1 : 0;
                break;
            case ActionKind.Spellcast:
                armL = (0.15 + 2.55 * SpellRaise[k], 0.35 * (1 - SpellRaise[k]), 1);
                armR = armL;
                spread = 0.5;
                break;
            default:
                armL = (SlashFront[k], 0.2, 1);
                armR = (0.35, 0.7, 1);
                spread = 2.5;
                break;
        }
        var m = Measure(look, bob);
        double tw = look.TorsoHalf;

        FrontHairBack(c, look, m);
        FrontLeg(c, look, m, -1, liftL, spread);
        FrontLeg(c, look, m, +1, liftR, spread);
        if (look.Bottom != Bottom.Skirt) c.Rect(32 - tw + 0.5, m.HipY - 1, 32 + tw - 0.5, m.HipY + 3, look.Pants);
        c.Rect(32 - tw, m.TorsoTop, 32 + tw, m.HipY + 0.5, look.Shirt);
        if (look.Robe) c.Polygon(look.Shirt, (32 - tw, m.HipY - 1), (32 + tw, m.HipY - 1), (32 + tw + 2, m.HipY + 8), (32 - tw - 2, m.HipY + 8));
        else c.Rect(32 - tw, m.HipY - 1.5, 32 + tw, m.HipY, Belt);
        if (look.Bottom == Bottom.Skirt && !look.Robe)
            c.Polygon(look.Pants, (32 - tw, m.HipY - 0.5), (32 + tw, m.HipY - 0.5), (32 + tw + 3, m.HipY + 8), (32 - tw - 3, m.HipY + 8));
        c.Rect(30.5, m.TorsoTop - 3, 33.5, m.TorsoTop + 1, look.Skin);
        c.Ellipse(32, m.HeadY, 6.5, 7, look.Skin);
        c.Rect(28.6, m.HeadY - 0.5, 29.4, m.HeadY + 1.5, Eye);
        c.Rect(34.6, m.HeadY - 0.5, 35.4, m.HeadY + 1.5, Eye);
        FrontHairFront(c, look, m);
        var handL = FrontArm(c, look, m, -1, armL, kind == ActionKind.Slash);
        var handR = FrontArm(c, look, m, +1, armR, false);
        if (kind == ActionKind.Spellcast && GlowRadius[k] > 0)
            Glow(c, (handL.X + handR.X) / 2, Math.Min(handL.Y, handR.Y) - 1, GlowRadius[k]);
    }

    static void FrontLeg(SpriteCanvas c, Look look, Frame m, int side, double lift, double spread)
    {
        double hx = 32 + side * 3.2, ax = hx + side * spread;
        double ay = m.HipY + m.Thigh + m.Shin - lift;
        double kx = (hx + ax) / 2 + side * (0.5 + 0.35 * lift), ky = m.HipY + m.Thigh - lift * 0.6;
        var thigh = look.Bottom == Bottom.Skirt ? look.Skin : look.Pants;
        var shin = look.Bottom == Bottom.Pants ? look.Pants : look.Skin;
        c.Capsule(hx, m.HipY, kx, ky, LegRadius, thigh);
        c.Capsule(kx, ky, ax, ay, LegRadius - 0.2, shin);
        c.Capsule(ax - 1.2, ay + 0.8, ax + 1.2, ay + 0.8, 1.7, Shoe);
    }

    static (double X, double Y) FrontArm(SpriteCanvas c, Look look, Frame m, int side, (double A, double E, double Reach) arm, bool sword)
    {
        double sx = 32 + side * (look.TorsoHalf + 1.2), sy = m.ShoulderY;
        double ex = sx + side * Math.Sin(arm.A) * UpperArm, ey = sy + Math.Cos(arm.A) * UpperArm * arm.Reach;
        double fa = arm.A + arm.E;
        double hx = ex + side * Math.Sin(fa) * ForeArm, hy = ey + Math.Cos(fa) * ForeArm * arm.Reach;
        if (sword)
        {
            // Blade continues the forearm, tilted outwards; drawn behind the hand.
            double ba = fa + 0.3, bx = Math.Sin(ba) * side, by = Math.Cos(ba);
            SwordAlong(c, hx, hy, bx, by);
        }
        c.Capsule(sx, sy, ex, ey, ArmRadius, look.Sleeves == Sleeves.None ? look.Skin : look.Shirt);
        c.Capsule(ex, ey, hx, hy, ArmRadius - 0.1, look.Sleeves == Sleeves.Long ? look.Shirt : look.Skin);
        c.Disk(hx, hy, HandRadius, look.Skin);
        return (hx, hy);
    }

    static void FrontHairBack(SpriteCanvas c, Look look, Frame m)
    {
        double h = m.HeadY;
        if (look.Hair == Hair.Long) c.Rect(24.5, h - 4, 39.5, h + 12, look.HairColor);
        if (look.Hair == Hair.Ponytail) c.Disk(39.5, h - 3, 2.6, look.HairColor);
    }

    static void FrontHairFront(SpriteCanvas c, Look look, Frame m)
    {
        double h = m.HeadY;
        var hair = look.Hair == Hair.Hat ? Hairs[5] : look.HairColor;
        c.Ellipse(32, h - 1.5, 7.2, 6.5, hair, (_, y) => y < h - 2.5);
        c.Rect(25, h - 3, 26.6, h + 1, hair);
        c.Rect(37.4, h - 3, 39, h + 1, hair);
        switch (look.Hair)
        {
            case Hair.Spiky:
                foreach (var x in new[] { 26.5, 29.5, 32.5, 35.5 }) c.Polygon(hair, (x - 2, h - 6), (x + 2, h - 6), (x + 0.5, h - 11));
                break;
            case Hair.Bob:
                c.Rect(24.5, h - 3, 27, h + 4.5, hair);
                c.Rect(37, h - 3, 39.5, h + 4.5, hair);
                break;
            case Hair.Long:
                c.Rect(24.5, h - 3, 26.6, h + 8, hair);
                c.Rect(37.4, h - 3, 39.5, h + 8, hair);
                break;
            case Hair.Hat:
                c.Rect(23.5, h - 5.5, 40.5, h - 4, HatColor);
                c.Rect(26, h - 12, 38, h - 5, HatColor);
                c.Rect(26, h - 7, 38, h - 5.5, HatColor.Scale(0.6));
                break;
        }
    }

    // ---- props ----

    static void Sword(SpriteCanvas c, double hx, double hy, double angle, bool forwardIsLeft) =>
        SwordAlong(c, hx, hy, forwardIsLeft ? -Math.Sin(angle) : Math.Sin(angle), Math.Cos(angle));

    static void SwordAlong(SpriteCanvas c, double hx, double hy, double dx, double dy)
    {
        c.Capsule(hx + dx * 1.5, hy + dy * 1.5, hx + dx * 12, hy + dy * 12, 1.0, Blade);
        c.Capsule(hx + dx * 2 - dy * 2.6, hy + dy * 2 + dx * 2.6, hx + dx * 2 + dy * 2.6, hy + dy * 2 - dx * 2.6, 0.8, Guard);
    }

    static void Glow(SpriteCanvas c, double x, double y, double r)
    {
        c.Disk(x, y, r, GlowOuter);
        c.Disk(x, y, r * 0.5, GlowInner);
    }
}
