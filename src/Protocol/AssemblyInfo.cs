namespace UmhActors.Protocol;
